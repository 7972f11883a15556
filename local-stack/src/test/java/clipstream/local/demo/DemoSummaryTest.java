package clipstream.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSummaryTest {

    @Test
    void theSummaryLineAndJsonCarryTheSameCounts(@TempDir Path dir) throws Exception {
        EventTally.Counts counts = new EventTally.Counts(3, 0, 0, 3, 2, 1, 1, Map.of("LATE", 1L),
                List.of(900L, 1100L, 1500L));
        DemoSummary summary = DemoSummary.of(List.of(
                new DemoSummary.CameraLine("cam-1", "synthetic:random", "COMPLETED", 64, 0, 2),
                new DemoSummary.CameraLine("cam-2", "synthetic:random", "COMPLETED", 32, 0, 1)),
                counts, "c3d-small", "1", "http://127.0.0.1:8081", 4.2);

        assertThat(summary.line()).isEqualTo("frames=96 clips=3 events=3 correct=2 alerts=1 dead_letters=1"
                + " p50_latency_ms=1100 p99_latency_ms=1500");

        Path file = dir.resolve("demo/summary.json");
        summary.write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("frames").asLong()).isEqualTo(96);
        assertThat(json.get("events").asLong()).isEqualTo(3);
        assertThat(json.get("correct").asLong()).isEqualTo(2);
        assertThat(json.get("dead_letters_by_reason").get("LATE").asLong()).isEqualTo(1);
        assertThat(json.get("p99_latency_ms").asLong()).isEqualTo(1500);
        assertThat(json.get("cameras")).hasSize(2);
    }

    @Test
    void withThePeoplePathTheLineAndJsonCountPosesPeopleAndTracks(@TempDir Path dir) throws Exception {
        EventTally.Counts counts = new EventTally.Counts(2, 0, 0, 0, 0, 0, 0, Map.of(), List.of(1000L, 1200L), 40, 38, 2);
        DemoSummary summary = DemoSummary.of(List.of(
                new DemoSummary.CameraLine("footage-1", "street.mp4", "COMPLETED", 200, 0, 2)),
                counts, "c3d-small", "2", "http://127.0.0.1:8081", 8.0);

        assertThat(summary.line()).endsWith(" posed_frames=40 people_seen=38 tracks=2");
        Path file = dir.resolve("summary.json");
        summary.write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("tracks").asLong()).isEqualTo(2);
        assertThat(json.get("poses_per_s").asDouble()).isEqualTo(5.0);
    }

    @Test
    void withAPeopleModelTheSummaryShowsPersonEventsPerCameraAndEachTracksLabels(@TempDir Path dir) throws Exception {
        DemoSummary.CameraPeople hall = new DemoSummary.CameraPeople(5, 3, 2, Map.of("walk", 3L, "stand", 2L), 3, 3, 2,
                Map.of(7L, List.of("walk", "walk", "walk", "stand"), 9L, List.of("stand")),
                Map.of("walk", Map.of("walk", 2L), "stand", Map.of("walk", 1L)));
        EventTally.Counts counts = new EventTally.Counts(5, 0, 0, 3, 2, 0, 0, Map.of(), List.of(1000L, 1200L), 300,
                580, 3, Map.of("hall-1", hall));
        DemoSummary summary = DemoSummary.of(List.of(
                new DemoSummary.CameraLine("hall-1", "synthetic-people:random", "STOPPED", 300, 0, 0)),
                counts, "c3d-small", "2", "http://127.0.0.1:8081", 30.0, "posec3d-small", "1");

        assertThat(summary.line()).endsWith(" posed_frames=300 people_seen=580 tracks=3 person_events=5"
                + " person_scorable=3 person_correct=2");
        assertThat(summary.peopleLines()).containsExactly(
                "hall-1: 5 person events (2 of 3 with a ground truth right), 3 tracks (3 on the poses topic, 2 in"
                        + " person events); labels stand=2 walk=3",
                "  track 7: walk walk walk stand",
                "  track 9: stand",
                "person events with a ground truth, true action: labels given: stand: walk=1; walk: walk=2");
        Path file = dir.resolve("summary.json");
        summary.write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("people_model").asText()).isEqualTo("posec3d-small");
        assertThat(json.get("person_events").asLong()).isEqualTo(5);
        assertThat(json.get("person_accuracy").asDouble()).isEqualTo(2.0 / 3);
        JsonNode camera = json.get("people_by_camera").get("hall-1");
        assertThat(camera.get("labels").get("walk").asLong()).isEqualTo(3);
        assertThat(camera.get("tracks").asLong()).isEqualTo(3);
        assertThat(json.get("person_confusion").get("stand").get("walk").asLong()).isEqualTo(1);
        assertThat(camera.get("track_labels").get("7")).extracting(JsonNode::asText)
                .containsExactly("walk", "walk", "walk", "stand");
    }
}

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
}

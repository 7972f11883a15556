package clipstream.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.source.SourceSpec;
import clipstream.local.demo.Demo;
import clipstream.local.demo.DemoSettings;
import clipstream.local.demo.DemoSummary;
import clipstream.media.people.PeopleScene;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./clipstream demo} end to end on the real default model: 2 synthetic cameras, 4 clips each, through a
 * real broker, the Flink job on a MiniCluster, the alerting consumer; then the summary must add up and nothing of
 * the stack may keep running. Skipped when the model store has no CURRENT version of the model. And
 * {@code ./clipstream demo --people}: 2 synthetic people cameras for 25 s of poses, each tracked person's clips
 * labelled by the committed people model, scored against what the people did.
 *
 * <p>To try it on another store or model: {@code -Dclipstream.model-store=DIR -Dclipstream.demo.model=NAME}
 * (and {@code -Dclipstream.demo.min-accuracy=0} for an untrained scratch model).
 */
class DemoSmokeTest {
    private static final Path STORE = Path.of(System.getProperty("clipstream.model-store", "../model-store"));
    private static final String MODEL = System.getProperty("clipstream.demo.model", "c3d-small");
    /** Share of scorable events that must be right; lower it only to try the test on a scratch model. */
    private static final double MIN_ACCURACY = Double.parseDouble(System.getProperty("clipstream.demo.min-accuracy", "0.9"));
    private static final int CAMERAS = 2;
    private static final int CLIPS_PER_CAMERA = 4;
    private static final String PEOPLE_MODEL = "posec3d-small";
    /** 25 s of pose frames at the people model's 10 poses/s: one visit of each camera's 2 people, ~20 clips each. */
    private static final int POSE_FRAMES_PER_CAMERA = 250;
    /** Share of the person events with a ground truth that must be right. */
    private static final double MIN_PERSON_ACCURACY = 0.8;

    @Test
    void twoCamerasGiveEveryExpectedEventMostlyRightWithNoDeadLettersAndLeaveNoThreadBehind(@TempDir Path dir)
            throws Exception {
        Path current = STORE.resolve("models").resolve(MODEL).resolve("CURRENT");
        assumeTrue(Files.isRegularFile(current), "Skipped: no default model (" + current.toAbsolutePath().normalize()
                + " does not exist); train or commit " + MODEL + " to run the demo smoke test");
        int clipLength = new clipstream.model.store.ModelStore(STORE).describe(MODEL, null).manifest().frames();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(CAMERAS, Duration.ZERO,
                OptionalLong.of((long) CLIPS_PER_CAMERA * clipLength), List.of(), STORE, MODEL, 25, 0,
                Duration.ofSeconds(1), Optional.empty(), dir.resolve("summary.json"), Duration.ofSeconds(90),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        DemoSummary summary = new Demo(settings).run();
        summary.write(settings.summaryFile());

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("Flink web UI: http://127.0.0.1:");
        assertThat(summary.frames()).as(output).isEqualTo((long) CAMERAS * CLIPS_PER_CAMERA * clipLength);
        assertThat(summary.clips()).isEqualTo(CAMERAS * CLIPS_PER_CAMERA);
        assertThat(summary.events()).as(summary.line()).isPositive().isEqualTo(summary.clips());
        assertThat(summary.duplicates()).isZero();
        assertThat(summary.scorable()).as("tumbling clips on one-clip segments all have a ground truth")
                .isEqualTo(summary.events());
        assertThat(summary.correct()).as(summary.line()).isGreaterThanOrEqualTo((long) Math.ceil(MIN_ACCURACY * summary.scorable()));
        assertThat(summary.deadLetters()).as("%s", summary.deadLettersByReason()).isZero();
        assertThat(summary.p50LatencyMs()).isPositive().isLessThanOrEqualTo(summary.p99LatencyMs());
        assertThat(Files.readString(settings.summaryFile())).contains("\"events\" : " + summary.events());
        assertThat(ThreadsLeft.since(before, Duration.ofSeconds(10))).as("non-daemon threads left by the stack").isEmpty();
    }

    @Test
    void syntheticPeopleGiveEachTrackedPersonsEventsOnceWithTheirTrackMostlyRight(@TempDir Path dir) throws Exception {
        Path current = STORE.resolve("models").resolve(PEOPLE_MODEL).resolve("CURRENT");
        assumeTrue(Files.isRegularFile(current) && Files.isRegularFile(STORE.resolve("models").resolve(MODEL)
                .resolve("CURRENT")), "Skipped: no " + PEOPLE_MODEL + " or " + MODEL + " CURRENT in "
                + STORE.toAbsolutePath().normalize());
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(CAMERAS, Duration.ZERO, OptionalLong.of(POSE_FRAMES_PER_CAMERA),
                List.of(), STORE, MODEL, 25, 0, Duration.ofSeconds(1), Optional.empty(), dir.resolve("summary.json"),
                Duration.ofSeconds(90), new PrintStream(printed, true, StandardCharsets.UTF_8))
                .withPeople(new DemoSettings.PeoplePath("movenet-multipose", Optional.of(PEOPLE_MODEL), 0));

        DemoSummary summary = new Demo(settings).run();
        summary.write(settings.summaryFile());

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.printf("DemoSmokeTest --people: %s%n%s%n", summary.line(), String.join("\n", summary.peopleLines()));
        assertThat(output).contains("2 synthetic people camera(s), 2 people each, at 10 poses/s");
        assertThat(summary.frames()).as("pose frames sent").isEqualTo((long) CAMERAS * POSE_FRAMES_PER_CAMERA);
        assertThat(summary.clips()).as("no frames, no whole-frame clips").isZero();
        assertThat(summary.personEvents()).as(summary.line()).isPositive()
                .as("every event is a person's: it has a track").isEqualTo(summary.events());
        assertThat(summary.duplicates()).as("each event once").isZero();
        assertThat(summary.posedFrames()).as("every pose frame tracked once").isEqualTo(summary.frames());
        assertThat(summary.people()).containsOnlyKeys("cam-1", "cam-2").allSatisfy((camera, people) -> {
            assertThat(people.personEvents()).as(camera).isPositive();
            assertThat(people.tracksInPoses()).as("%s: one track per person who came", camera)
                    .isEqualTo(peopleWhoCame(camera));
            assertThat(people.trackLabels()).as(camera).hasSize((int) people.tracksInEvents())
                    .allSatisfy((track, labels) -> assertThat(labels).isNotEmpty());
        });
        assertThat(summary.personScorable()).as("person events within one action of one person")
                .isGreaterThanOrEqualTo(10);
        assertThat((double) summary.personCorrect() / summary.personScorable()).as(summary.line())
                .isGreaterThanOrEqualTo(MIN_PERSON_ACCURACY);
        assertThat(summary.deadLetters()).as("%s", summary.deadLettersByReason()).isZero();

        JsonNode json = new ObjectMapper().readTree(settings.summaryFile().toFile());
        assertThat(json.fieldNames()).toIterable().contains("frames", "clips", "events", "correct", "scorable",
                "alerts", "dead_letters", "p50_latency_ms", "p99_latency_ms", "posed_frames", "people_seen", "tracks",
                "people_model", "person_events", "person_scorable", "person_correct", "people_by_camera");
        assertThat(json.get("people_by_camera").get("cam-1").fieldNames()).toIterable()
                .contains("person_events", "labels", "tracks", "track_labels");
        assertThat(ThreadsLeft.since(before, Duration.ofSeconds(10))).as("non-daemon threads left by the stack").isEmpty();
    }

    /** The people who came into view of the demo's synthetic people camera {@code id} (cam-N: seed N) in its run. */
    private static long peopleWhoCame(String id) {
        CameraSpec camera = CameraSpec.parse(id + "=synthetic-people:random?people=2&seed=" + id.substring(4)
                + "&fps=10");
        PeopleScene scene = ((SourceSpec.SyntheticPeople) camera.source()).scene(10);
        Set<Long> people = new HashSet<>();
        for (int lane = 0; lane < scene.people(); lane++) {
            for (long seq = 0; seq < POSE_FRAMES_PER_CAMERA; seq++) {
                people.add(scene.personAt(lane, seq));
            }
        }
        people.remove(-1L);
        return people.size();
    }
}

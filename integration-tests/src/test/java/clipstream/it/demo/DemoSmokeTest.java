package clipstream.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipstream.local.demo.Demo;
import clipstream.local.demo.DemoSettings;
import clipstream.local.demo.DemoSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./clipstream demo} end to end on the real default model: 2 synthetic cameras, 4 clips each, through a
 * real broker, the Flink job on a MiniCluster, the alerting consumer; then the summary must add up and nothing of
 * the stack may keep running. Skipped when the model store has no CURRENT version of the model.
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
}

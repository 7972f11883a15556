package clipstream.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.local.demo.Demo;
import clipstream.local.demo.DemoSettings;
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
 * A job that cannot start fails the demo at once with the job's own reason, and the stack still shuts down:
 * here the model's manifest is fine (the demo reads it) but its files are missing (the job refuses to load it).
 * Needs no trained model, so it always runs.
 */
class DemoFailureTest {

    @Test
    void aModelTheJobRefusesFailsTheDemoAtOnceWithTheReasonAndStopsEverything(@TempDir Path store) throws Exception {
        Path version = Files.createDirectories(store.resolve("models/broken/1"));
        Files.writeString(version.resolve("manifest.json"), """
                {"format": 1, "name": "broken", "version": "1", "architecture": "c3d-small", "description": "no files",
                 "input": {"frames": 8, "height": 16, "width": 16, "channels": 3, "layout": "NTHWC", "dtype": "uint8"},
                 "labels": ["still", "left"],
                 "normalization": {"mean": [0, 0, 0], "std": [1, 1, 1], "in_graph": true},
                 "signature": {"key": "serving_default", "input": "clips", "output": "probabilities",
                               "output_is_probability": true},
                 "parameters": 1, "multiply_adds": 1, "created": "2026-01-01T00:00:00Z",
                 "files": {"saved_model.pb": "0000000000000000000000000000000000000000000000000000000000000000"}}
                """);
        Files.writeString(store.resolve("models/broken/CURRENT"), "1\n");
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoSettings settings = new DemoSettings(1, Duration.ofSeconds(30), OptionalLong.empty(), List.of(), store,
                "broken", 25, 0, Duration.ofSeconds(1), Optional.empty(), store.resolve("summary.json"),
                Duration.ofSeconds(10), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new Demo(settings).run())
                .hasMessageContaining("The clipstream job failed while starting")
                .hasStackTraceContaining("saved_model.pb");

        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("Job running");
        assertThat(ThreadsLeft.since(before, Duration.ofSeconds(10))).as("non-daemon threads left by the stack").isEmpty();
    }
}

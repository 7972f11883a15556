package clipstream.dashboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.dashboard.DashboardSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flags become settings; usage errors end before anything starts, with exit code 2 and a message naming the flag. */
class DashboardCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DashboardCommand(new PrintStream(out, true, StandardCharsets.UTF_8)));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Result result = run("--help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("--bootstrap", "--port", "--job-group", "--thumbnail-every",
                "--max-cameras", "--stalled-after", "--offline-after", "--metrics-port", "--metrics-host");
    }

    @Test
    void theBootstrapIsRequired() {
        Result result = run("--port", "0");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--bootstrap");
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlag() {
        assertThat(run("--bootstrap", "127.0.0.1:9", "--port", "70000").err()).contains("--port must be");
        assertThat(run("--bootstrap", "127.0.0.1:9", "--thumbnail-every", "10ms").err())
                .contains("--thumbnail-every must be at least 100ms");
        Result stalled = run("--bootstrap", "127.0.0.1:9", "--stalled-after", "2m", "--offline-after", "1m");
        assertThat(stalled.code()).isEqualTo(2);
        assertThat(stalled.err()).contains("--stalled-after must be positive and below --offline-after");
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageError() {
        Result result = run("--bootstrap", "127.0.0.1:9", "--port", "0", "--metrics-port", "70000");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--metrics-port must be 0-65535");
    }

    @Test
    void flagsBecomeTheSettings() {
        DashboardCommand command = new DashboardCommand();
        new CommandLine(command).parseArgs("--bootstrap", "k:9092", "--port", "0", "--job-group", "my-job",
                "--alerts-topic", "alerts,night-alerts", "--thumbnail-every", "1s", "--max-cameras", "64");
        DashboardSettings settings = command.settings();
        assertThat(settings.bootstrap()).isEqualTo("k:9092");
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isZero();
        assertThat(settings.jobGroup()).isEqualTo("my-job");
        assertThat(settings.group()).startsWith("clipstream-dashboard-");
        assertThat(settings.topics().alerts()).isEqualTo(List.of("alerts", "night-alerts"));
        assertThat(settings.topics().deadLetters()).isEqualTo(List.of("frames-dlq", "alerts-dlq"));
        assertThat(settings.thumbnailEvery()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.limits().maxCameras()).isEqualTo(64);
    }
}

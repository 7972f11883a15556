package clipstream.alerts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AlertsCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = AlertsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path rules(String yaml) throws Exception {
        return Files.writeString(dir.resolve("rules.yaml"), yaml);
    }

    @Test
    void helpListsTheOptionsAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap=HOST:PORT", "--rules=FILE", "--group", "--input-topic",
                "--state-topic", "--dlq-topic", "--instance-id", "--camera-expiry=DURATION",
                "--max-clock-skew=DURATION", "--webhook-queue=N", "--read-uncommitted", "--metrics-port=PORT",
                "--metrics-host=ADDRESS", "Exit codes");
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("(default: 24h)", "(default: 5m)",
                "(default: 1000)", "(default: 127.0.0.1)");
        // picocli may wrap a line after the URL's colon
        assertThat(out.toString().replaceAll("\\s+", "")).contains("http://127.0.0.1:PORT/metrics");
    }

    @Test
    void maxClockSkewMustNotBeNegative() throws Exception {
        Path file = rules("rules:\n  - name: a\n    labels: x\n");
        assertThat(run("--bootstrap", "127.0.0.1:1", "--rules", file.toString(), "--max-clock-skew", "-1m"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--max-clock-skew'");
    }

    @Test
    void cameraExpiryMustBeAPositiveDuration() throws Exception {
        Path file = rules("rules:\n  - name: a\n    labels: x\n");
        for (String bad : new String[] {"0", "-5m", "-PT1H", "soon"}) {
            StringWriter errors = new StringWriter();
            CommandLine commandLine = AlertsCommand.commandLine();
            commandLine.setErr(new PrintWriter(errors, true));
            assertThat(commandLine.execute("--bootstrap", "127.0.0.1:1", "--rules", file.toString(),
                    "--camera-expiry", bad)).as(bad).isEqualTo(2);
            assertThat(errors.toString()).as(bad).contains("--camera-expiry");
        }
    }

    @Test
    void missingRequiredOptionIsBadUsage() {
        assertThat(run("--bootstrap", "127.0.0.1:9092")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--rules=FILE'");
    }

    @Test
    void malformedRulesFileFailsAtStartNamingLineAndField() throws Exception {
        Path file = rules("""
                rules:
                  - name: fall
                    labels: [falling]
                    min-score: high
                """);
        // the rules are checked before Kafka is touched: nothing listens on this bootstrap address
        assertThat(run("--bootstrap", "127.0.0.1:1", "--rules", file.toString())).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("alerts: " + file + ":4:16: rule 'fall': 'min-score' must be a number, got 'high'");
    }

    @Test
    void invalidNumbersAreBadUsage() throws Exception {
        Path file = rules("rules:\n  - name: a\n    labels: x\n");
        assertThat(run("--bootstrap", "127.0.0.1:1", "--rules", file.toString(), "--dedup-window", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--dedup-window must be at least 1");
        assertThat(run("--bootstrap", "127.0.0.1:1", "--rules", file.toString(), "--webhook-queue", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--webhook-queue must be at least 1");
        assertThat(run("--bootstrap", "127.0.0.1:1", "--rules", file.toString(), "--metrics-port", "70000"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--metrics-port must be 0-65535");
    }

    @Test
    void checkValidatesAndPrintsTheRules() throws Exception {
        Path file = rules("rules:\n  - name: fall\n    labels: [falling]\n    min-consecutive: 3\n");
        assertThat(run("--bootstrap", "unused:1", "--rules", file.toString(), "--check")).isZero();
        assertThat(out.toString()).startsWith("fall: labels [falling], min-score 0.0, cameras all, min-consecutive 3");
    }

    @Test
    void checkPrintsACameraHealthRuleWithItsSettings() throws Exception {
        Path file = rules("rules:\n  - name: camera-down\n    health: {offline-after: 30s, degraded-below-fps: 5}\n");
        assertThat(run("--bootstrap", "unused:1", "--rules", file.toString(), "--check")).isZero();
        assertThat(out.toString()).startsWith("camera-down: camera health (offline-after 30s, degraded-below-fps 5,"
                + " degraded-for 30s, recovered-after 1m), cameras all, topic alerts, stdout, webhooks 0");
    }

    @Test
    void unreachableKafkaIsARuntimeFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path file = rules("rules:\n  - name: a\n    labels: x\n");
        assertThat(run("--bootstrap", "127.0.0.1:" + closedPort, "--rules", file.toString(),
                "--kafka", "default.api.timeout.ms=1500", "--kafka", "request.timeout.ms=1000")).isEqualTo(1);
        assertThat(err.toString()).contains("alerts: Cannot describe topic 'clip-events'");
    }
}

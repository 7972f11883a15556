package clipstream.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.runtime.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage errors end before anything starts, with exit code 2 and a message naming the flag. */
class DemoCommandTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DemoCommand(new PrintStream(out, true, StandardCharsets.UTF_8)));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Result result = run("--help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("--cameras", "--seconds", "--source", "--store", "--model");
    }

    @Test
    void zeroCamerasIsAUsageError() {
        Result result = run("--cameras", "0");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--cameras must be between 1 and 64");
    }

    @Test
    void aMissingModelIsAUsageErrorNamingTheStore(@TempDir Path emptyStore) {
        Result result = run("--store", emptyStore.toString(), "--summary", emptyStore.resolve("s.json").toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("c3d-small", "no CURRENT version", "--store " + emptyStore);
    }

    @Test
    void thePeoplePathIsOnForRealFootageOffForSyntheticCamerasAndEitherWayOnRequest() {
        assertThat(DemoCommand.people(null, List.of("street.mp4"), "movenet-multipose", "posec3d-small", 0, 384))
                .contains(new DemoSettings.PeoplePath("movenet-multipose", Optional.of("posec3d-small"), 0));
        assertThat(DemoCommand.people(null, List.of(), "movenet-multipose", "posec3d-small", 0, 384)).isEmpty();
        assertThat(DemoCommand.people(true, List.of(), "movenet-multipose", "posec3d-small", 3, 384))
                .contains(new DemoSettings.PeoplePath("movenet-multipose", Optional.of("posec3d-small"), 3));
        assertThat(DemoCommand.people(false, List.of("street.mp4"), "movenet-multipose", "posec3d-small", 0, 384))
                .isEmpty();
        assertThat(run("--help").out()).contains("--[no-]people", "--pose-model", "--people-model", "--pose-every", "--pose-input");
    }

    @Test
    void peopleModelNoneKeepsPosesAndTracksOnly() {
        assertThat(DemoCommand.people(true, List.of(), "movenet-multipose", "None", 0, 384))
                .hasValueSatisfying(path -> assertThat(path.peopleModel()).isEmpty());
    }

    @Test
    void metricsPortServesTheDemoAndTheNextPortFlinksReporter() {
        assertThat(metricsPorts()).isEmpty();
        assertThat(metricsPorts("--metrics-port", "9300"))
                .contains(new DemoSettings.MetricsPorts("127.0.0.1", 9300, 9301));
        assertThat(metricsPorts("--metrics-port", "9300", "--flink-metrics-port", "9249"))
                .contains(new DemoSettings.MetricsPorts("127.0.0.1", 9300, 9249));
        assertThat(metricsPorts("--metrics-port", "0", "--metrics-host", "0.0.0.0"))
                .contains(new DemoSettings.MetricsPorts("0.0.0.0", 0, 0));
        assertThat(run("--help").out()).contains("--metrics-port", "--metrics-host", "--flink-metrics-port");
    }

    @Test
    void badMetricsPortsAreUsageErrorsNamingTheFlag() {
        Result outOfRange = run("--metrics-port", "70000");
        assertThat(outOfRange.code()).isEqualTo(2);
        assertThat(outOfRange.err()).contains("--metrics-port must be 0-65535");
        assertThat(run("--metrics-port", "65535").err()).contains("give --flink-metrics-port");
        assertThat(run("--metrics-port", "9300", "--flink-metrics-port", "9300").err())
                .contains("--metrics-port and --flink-metrics-port must differ");
        assertThat(run("--flink-metrics-port", "9249").err()).contains("--flink-metrics-port needs --metrics-port");
    }

    private static Optional<DemoSettings.MetricsPorts> metricsPorts(String... args) {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs(args);
        return command.metricsPorts();
    }

    @Test
    void precisionReachesTheSettingsFp32ByDefault() {
        assertThat(settings().precision()).isEqualTo(Precision.FP32);
        assertThat(settings("--precision", "bf16").precision()).isEqualTo(Precision.BF16);
        assertThat(settings("--precision", "BF16").precision()).isEqualTo(Precision.BF16);
        assertThat(settings("--precision", "fp32").precision()).isEqualTo(Precision.FP32);
        assertThat(run("--help").out()).contains("--precision=fp32|bf16");
    }

    @Test
    void anUnknownPrecisionIsAUsageErrorNamingTheChoices() {
        Result result = run("--precision", "fp16");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--precision must be fp32 or bf16, got 'fp16'");
        assertThat(result.out()).doesNotContain("Kafka broker");
    }

    private static DemoSettings settings(String... args) {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void aDashboardPortOutOfRangeIsAUsageError() {
        Result result = run("--dashboard-port", "70000");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--dashboard-port must be 0");
        assertThat(run("--help").out()).contains("--[no-]dashboard", "--dashboard-port");
    }

    @Test
    void aNegativePoseEveryIsAUsageError() {
        Result result = run("--people", "--pose-every", "-1");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--pose-every must be 0");
    }

    @Test
    void poseFpsAndPoseEveryTogetherAreAUsageError() {
        Result result = run("--people", "--pose-every", "3", "--pose-fps", "10");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--pose-fps and --pose-every are mutually exclusive");
        assertThat(run("--people", "--pose-fps", "-1").err()).contains("--pose-fps must be 0 (off) to 1000");
        assertThat(DemoCommand.people(true, List.of(), "movenet-multipose", "posec3d-small", 0, 384)
                .map(path -> path.withPoseFps(10))).hasValueSatisfying(path -> assertThat(path.poseFps()).isEqualTo(10));
    }

    @Test
    void aPeopleModelThatIsNotInTheStoreIsAUsageErrorBeforeAnythingStarts(@TempDir Path dir) {
        Result result = run("--people", "--store", "../model-store", "--people-model", "nobody",
                "--summary", dir.resolve("s.json").toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--people-model nobody", "--people-model none");
        assertThat(result.out()).doesNotContain("Kafka broker");
    }
}

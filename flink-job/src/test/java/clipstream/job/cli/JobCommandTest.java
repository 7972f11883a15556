package clipstream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.ConfigException;
import clipstream.job.config.JobConfig;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleInput;
import clipstream.job.config.PeopleSettings;
import clipstream.job.inference.StoreClassifier;
import clipstream.model.runtime.Precision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JobCommandTest {

    private static JobConfig parse(String... args) {
        CommandLine cli = JobCommand.commandLine(args);
        cli.parseArgs(args);
        return ((JobCommand) cli.getCommand()).config();
    }

    @Test
    void defaultsMatchTheArchitecture() {
        JobConfig config = parse("--bootstrap", "127.0.0.1:9092");
        assertThat(config.kafka().framesTopic()).isEqualTo("frames");
        assertThat(config.kafka().eventsTopic()).isEqualTo("clip-events");
        assertThat(config.kafka().deadLetterTopic()).isEqualTo("frames-dlq");
        assertThat(config.kafka().delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(config.clips().clipLength()).as("the model's").isZero();
        assertThat(config.clips().stride()).isEqualTo(16);
        assertThat(config.model().name()).isEqualTo("c3d-small");
        assertThat(config.model().version()).as("CURRENT").isNull();
    }

    @Test
    void helpDocumentsTheMetricsPort() {
        StringWriter out = new StringWriter();
        CommandLine cli = JobCommand.commandLine("--help");
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--metrics-port=PORT");
        assertThat(out.toString().replaceAll("\\s+", "")).contains("http://127.0.0.1:PORT/metrics");
    }

    @Test
    void servingCurrentFollowsItAndAPinnedVersionDoesNot() {
        assertThat(parse("--bootstrap", "b:9092").model().currentWatch()).isEqualTo(JobCommand.DEFAULT_MODEL_WATCH);
        assertThat(parse("--bootstrap", "b:9092", "--model-watch", "2s").model().currentWatch())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("--bootstrap", "b:9092", "--model-watch", "0s").model().followsCurrent()).isFalse();
        assertThat(parse("--bootstrap", "b:9092", "--model-version", "3").model().followsCurrent()).isFalse();
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--model-version", "3", "--model-watch", "5s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--model-watch");
    }

    @Test
    void tensorFlowThreadsSpinOnlyWhenAskedTo(@TempDir Path dir) throws Exception {
        assertThat(parse("--bootstrap", "b:9092").model().threadSpinning()).isFalse();
        assertThat(parse("--bootstrap", "b:9092", "--thread-spinning").model().threadSpinning()).isTrue();
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "bootstrap=file:9092\nthread-spinning=true\n");
        assertThat(parse("--config", file.toString()).model().threadSpinning()).isTrue();
        assertThat(parse("--bootstrap", "b:9092", "--model-version", "2", "--thread-spinning").model()
                .withVersion("3").threadSpinning()).as("kept when the version is pinned").isTrue();
    }

    @Test
    void theModelsComputeInFloat32UnlessBf16IsAskedFor(@TempDir Path dir) throws Exception {
        assertThat(parse("--bootstrap", "b:9092").model().precision()).isEqualTo(Precision.FP32);
        ModelSettings mixed = parse("--bootstrap", "b:9092", "--precision", "bf16").model();
        assertThat(mixed.precision()).isEqualTo(Precision.BF16);
        assertThat(mixed.withVersion("3").precision()).as("kept when the version is pinned").isEqualTo(Precision.BF16);
        assertThat(StoreClassifier.options(mixed).precision()).isEqualTo(Precision.BF16);
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "bootstrap=file:9092\nprecision=BF16\n");
        assertThat(parse("--config", file.toString()).model().precision()).isEqualTo(Precision.BF16);
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--precision", "int8"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--precision must be fp32 or bf16")
                .hasMessageContaining("int8");
    }

    @Test
    void flagsAndKafkaPassthroughAreRead() {
        JobConfig config = parse("--bootstrap", "b:9092", "--delivery", "at-least-once", "--stride", "32",
                "--batch-timeout-ms", "250", "--idle-timeout", "90s", "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.mechanism", "PLAIN");
        assertThat(config.kafka().delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(config.clips().stride()).isEqualTo(32);
        assertThat(config.batching().timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.clips().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void propertiesFileFillsInAndFlagsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "bootstrap=file:9092\nbatch-size=16\nstride=8\nkafka.security.protocol=SSL\n");
        JobConfig config = parse("--config", file.toString(), "--stride", "4");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("file:9092");
        assertThat(config.batching().size()).isEqualTo(16);
        assertThat(config.clips().stride()).isEqualTo(4);
        assertThat(config.kafka().clientProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void hostileInputBoundsHaveTheirDefaultsAndAreReadFromFlagsAndTheFile(@TempDir Path dir) throws Exception {
        ClipSettings defaults = parse("--bootstrap", "b:9092").clips();
        assertThat(defaults.captureTimes()).isEqualTo(CaptureTimeWindow.DEFAULT);
        assertThat(defaults.captureTimes().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.captureTimes().maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.maxCameras()).isEqualTo(ClipSettings.DEFAULT_MAX_CAMERAS).isEqualTo(1024);
        assertThat(defaults.maxPendingFrames()).isEqualTo(ClipSettings.DEFAULT_MAX_PENDING_FRAMES).isEqualTo(64);

        ClipSettings flagged = parse("--bootstrap", "b:9092", "--max-frame-age", "PT72H", "--max-clock-skew", "30s",
                "--max-cameras", "16", "--max-pending-frames", "200").clips();
        assertThat(flagged.captureTimes())
                .isEqualTo(new CaptureTimeWindow(Duration.ofHours(72), Duration.ofSeconds(30)));
        assertThat(flagged.maxCameras()).isEqualTo(16);
        assertThat(flagged.maxPendingFrames()).isEqualTo(200);

        Path file = dir.resolve("job.properties");
        Files.writeString(file, "bootstrap=file:9092\nmax-frame-age=2h\nmax-cameras=8\n");
        ClipSettings fromFile = parse("--config", file.toString()).clips();
        assertThat(fromFile.captureTimes().maxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(fromFile.maxCameras()).isEqualTo(8);
        assertThat(fromFile.forModelClipLength(32)).as("kept when the clip length comes from the model")
                .extracting(ClipSettings::captureTimes, ClipSettings::maxCameras)
                .containsExactly(fromFile.captureTimes(), 8);
    }

    @Test
    void hostileInputBoundsThatCannotWorkAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--max-frame-age", "0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-frame-age");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--max-cameras", "0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-cameras");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--max-pending-frames", "0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-pending-frames");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--max-clock-skew", "1d"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not a duration");
    }

    @Test
    void unknownSettingInTheFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "bootstrap=b:9092\nbatch-sise=16\n");
        assertThatThrownBy(() -> JobCommand.commandLine("--config", file.toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch-sise");
    }

    @Test
    void badValuesFailAtStartNamingTheFlag() {
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--clip-length", "32", "--stride", "64"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--stride");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--delivery", "maybe"))
                .hasMessageContaining("--delivery");
        assertThatThrownBy(() -> parse("--stride", "8")).hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--nonsense", "1"))
                .hasMessageContaining("unknown option '--nonsense'");
        assertThatThrownBy(() -> parse("--bootstrap", "b:9092", "--out-of-orderness", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not a duration");
    }

    @Test
    void missingModelExitsWithAMessageNamingTheFlags(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--bootstrap", "127.0.0.1:9", "--model-store", dir.toString(), "--dry-run");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--model");
    }

    @Test
    void thePeoplePathRunsOnAPoseModelOnlyAndShowsInTheJobGraph() {
        String store = Path.of("..", "model-store").toString();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cli = JobCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(out));

        int refused = cli.execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--pose-model", "c3d-small",
                "--dry-run");
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString()).contains("--pose-model c3d-small is not a pose model");

        int planned = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--pose-model", "movenet-multipose",
                        "--pose-every", "5", "--dry-run");
        assertThat(planned).as(err.toString()).isZero();
        assertThat(out.toString()).contains("track people per camera", "find poses in frames",
                "sample frames for poses", "assemble clips per camera");
    }

    @Test
    void thePeoplePathOnEdgePosesReadsItsTopicAndRunsNoPoseModel() {
        String store = Path.of("..", "model-store").toString();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();

        int refused = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--people-input", "edge",
                        "--pose-model", "movenet-multipose", "--dry-run");
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString()).contains("--pose-model movenet-multipose is for --people-input frames");

        refused = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--people-input", "edge",
                        "--edge-poses-topic", "poses", "--dry-run");
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString()).contains("--edge-poses-topic and --poses-topic must differ");

        refused = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--people-input", "cameras",
                        "--dry-run");
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString()).contains("--people-input must be frames or edge, got 'cameras'");

        int planned = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--bootstrap", "127.0.0.1:9", "--model-store", store, "--people-input", "edge", "--dry-run");
        assertThat(planned).as(err.toString()).isZero();
        assertThat(out.toString()).contains("edge poses", "validate edge poses", "track people per camera",
                "assemble clips per camera").doesNotContain("find poses in frames");
    }

    @Test
    void thePeopleInputAndTheEdgePosesTopicHaveTheirDefaults() {
        CommandLine cli = JobCommand.commandLine("--bootstrap", "b:9092");
        cli.parseArgs("--bootstrap", "b:9092");
        JobCommand command = cli.getCommand();
        JobConfig config = command.config();
        assertThat(command.people(config)).as("off: frames input without --pose-model").isNull();

        cli = JobCommand.commandLine("--bootstrap", "b:9092", "--people-input", "EDGE");
        cli.parseArgs("--bootstrap", "b:9092", "--people-input", "EDGE");
        command = cli.getCommand();
        PeopleSettings edge = command.people(command.config());
        assertThat(edge.input()).isEqualTo(PeopleInput.EDGE);
        assertThat(edge.edgePosesTopic()).isEqualTo("edge-poses");
        assertThat(edge.posesTopic()).isEqualTo("poses");
        assertThat(edge.idleTimeout()).isEqualTo(config.clips().idleTimeout());
    }

    private static PeopleSettings peopleFrom(String... args) {
        CommandLine cli = JobCommand.commandLine(args);
        cli.parseArgs(args);
        JobCommand command = cli.getCommand();
        return command.people(command.config());
    }

    @Test
    void thePoseRateIsBySeqByDefaultOrByCaptureTimeWithPoseFpsButNeverBoth(@TempDir Path dir) throws Exception {
        String store = Path.of("..", "model-store").toString();
        String[] people = {"--bootstrap", "b:9092", "--model-store", store, "--pose-model", "movenet-multipose"};

        PeopleSettings byDefault = peopleFrom(people);
        assertThat(byDefault.posesByTime()).isFalse();
        assertThat(byDefault.poseEvery()).isEqualTo(PeopleSettings.DEFAULT_POSE_EVERY);
        assertThat(byDefault.minKeypointScore()).as("no keypoint is dropped by default").isZero();

        PeopleSettings byTime = peopleFrom(concat(people, "--pose-fps", "7.5", "--min-keypoint-score", "0.3"));
        assertThat(byTime.posesByTime()).isTrue();
        assertThat(byTime.poseFps()).isEqualTo(7.5);
        assertThat(byTime.poseEvery()).isZero();
        assertThat(byTime.minKeypointScore()).isEqualTo(0.3f);

        assertThatThrownBy(() -> peopleFrom(concat(people, "--pose-fps", "10", "--pose-every", "3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--pose-fps and --pose-every are mutually exclusive");
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "pose-every=3\n");
        assertThatThrownBy(() -> peopleFrom(concat(people, "--config", file.toString(), "--pose-fps", "10")))
                .as("also when one comes from the --config file")
                .isInstanceOf(ConfigException.class).hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> peopleFrom(concat(people, "--pose-fps", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--pose-fps must be above 0");
        assertThatThrownBy(() -> peopleFrom(concat(people, "--min-keypoint-score", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--min-keypoint-score must be within 0-1");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int planned = JobCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(concat(people, "--pose-fps", "10", "--dry-run"));
        assertThat(planned).as(err.toString()).isZero();
        assertThat(out.toString()).contains("read frame times for poses", "sample frames for poses by time",
                "find poses in frames", "track people per camera");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}

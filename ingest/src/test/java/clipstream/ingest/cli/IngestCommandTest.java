package clipstream.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.run.IngestSettings;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.schema.FrameEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandTest {
    @TempDir
    Path store;

    @Test
    void helpExitsZeroAndListsTheOptions() {
        IngestCommandRunner.Result result = IngestCommandRunner.run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--bootstrap", "--camera", "--size", "--fps", "--encoding", "--jpeg-quality",
                "--realtime", "--fast", "--loop", "--max-frames", "--duration", "--start-seq", "--read-timeout",
                "synthetic:", "--metrics-port", "--metrics-host");
        assertThat(result.out().replaceAll("\\s+", "")).contains("http://127.0.0.1:PORT/metrics");
    }

    @Test
    void usageErrorsExitTwoWithAMessageNamingTheFlag() {
        assertThat(IngestCommandRunner.run("--camera", "a=synthetic:left").exitCode()).isEqualTo(2);
        IngestCommandRunner.Result badSize = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--size", "big");
        assertThat(badSize.exitCode()).isEqualTo(2);
        assertThat(badSize.err()).contains("--size must be WxH");
        IngestCommandRunner.Result twice = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--camera", "a=synthetic:right");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("'a' is given twice");
        IngestCommandRunner.Result bothPacings = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--fast", "--realtime");
        assertThat(bothPacings.exitCode()).isEqualTo(2);
        IngestCommandRunner.Result badCamera = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "no-equals-sign");
        assertThat(badCamera.exitCode()).isEqualTo(2);
        assertThat(badCamera.err()).contains("ID=SOURCE");
        IngestCommandRunner.Result unsafe = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--producer-property", "acks=1");
        assertThat(unsafe.exitCode()).isEqualTo(2);
        assertThat(unsafe.err()).contains("acks");
        IngestCommandRunner.Result partitioner = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--producer-property", "partitioner.class=my.Partitioner");
        assertThat(partitioner.exitCode()).isEqualTo(2);
        assertThat(partitioner.err()).contains("partitioner.class", "partitioning by key");
        IngestCommandRunner.Result badMetricsPort = IngestCommandRunner.run("--bootstrap", "127.0.0.1:1",
                "--camera", "a=synthetic:left", "--metrics-port", "-1");
        assertThat(badMetricsPort.exitCode()).isEqualTo(2);
        assertThat(badMetricsPort.err()).contains("--metrics-port must be 0-65535");
    }

    @Test
    void flagsBecomeTheSettings() {
        IngestSettings settings = parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--topic", "t",
                "--size", "112x96", "--fps", "12.5", "--encoding", "jpeg", "--jpeg-quality", "70", "--fast", "--loop",
                "--max-frames", "100", "--duration", "90s", "--start-seq", "42", "--buffer", "8",
                "--read-timeout", "2.5s").settings();
        assertThat(settings.topic()).isEqualTo("t");
        assertThat(settings.width()).isEqualTo(112);
        assertThat(settings.height()).isEqualTo(96);
        assertThat(settings.fps()).hasValue(12.5);
        assertThat(settings.encoding()).isEqualTo(FrameEncoding.JPEG);
        assertThat(settings.jpegQuality()).isEqualTo(0.7f);
        assertThat(settings.pacing()).isEqualTo(Pacing.FAST);
        assertThat(settings.loop()).isTrue();
        assertThat(settings.maxFrames()).hasValue(100);
        assertThat(settings.duration()).contains(Duration.ofSeconds(90));
        assertThat(settings.startSeq()).isEqualTo(42);
        assertThat(settings.resumeSeq()).as("an explicit start seq overrides resuming").isFalse();
        assertThat(settings.bufferFrames()).isEqualTo(8);
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofMillis(2_500));
    }

    @Test
    void theReadTimeoutIsTenSecondsByDefaultAndMustBeAPositiveDuration() {
        assertThat(parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8").settings()
                .readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8",
                "--read-timeout", "0").settings()).hasMessageContaining("--read-timeout must be at least 1 ms");
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8",
                "--read-timeout", "10").settings()).hasMessageContaining("--read-timeout must be a duration");
    }

    @Test
    void startSeqResumesByDefaultAndAutoStartsAboveEverySeqAnEarlierRunSent() {
        java.time.Instant first = java.time.Instant.parse("2026-11-28T10:00:00.123456Z");
        long start = IngestCommand.startSeq("auto", first);
        assertThat(start % 1024).as("aligned with clips and synthetic segments").isZero();
        assertThat(start).isBetween(first.toEpochMilli() * 1000 - 1023, first.toEpochMilli() * 1000 + 456);
        // 10 s at 1000 fps sends 10,000 frames; the next run starts 10 s later
        long restarted = IngestCommand.startSeq("auto", first.plusSeconds(10));
        assertThat(restarted).isGreaterThan(start + 10_000);
        assertThat(IngestCommand.startSeq(" 7 ", first)).isEqualTo(7);
        assertThatThrownBy(() -> IngestCommand.startSeq("soon", first)).hasMessageContaining("--start-seq");
        IngestSettings defaults = parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8")
                .settings();
        assertThat(defaults.resumeSeq()).as("resume by default").isTrue();
        assertThat(defaults.startSeq()).as("auto for a camera with nothing to resume from")
                .isGreaterThan(first.toEpochMilli() * 1000);
        IngestSettings auto = parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8",
                "--start-seq", "auto").settings();
        assertThat(auto.resumeSeq()).isFalse();
        assertThat(auto.startSeq()).isGreaterThan(first.toEpochMilli() * 1000);
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--size", "8x8",
                "--start-seq", "-1").settings()).hasMessageContaining("--start-seq");
    }

    @Test
    void defaultSizeIsTheServedModelsInputSize() throws IOException {
        writeModel("c3d-small", "3", 112, 96);
        IngestSettings settings = parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left",
                "--model-store", store.toString()).settings();
        assertThat(settings.width()).isEqualTo(96);
        assertThat(settings.height()).isEqualTo(112);
        assertThat(settings.pacing()).isEqualTo(Pacing.REALTIME);
        assertThat(settings.encoding()).isEqualTo(FrameEncoding.RGB24);
    }

    @Test
    void anExplicitModelThatIsNotStoredIsAnError() throws IOException {
        writeModel("other", "1", 40, 50);
        assertThat(ModelInputSize.lookup(store, "other")).get()
                .satisfies(size -> assertThat(new int[] {size.width(), size.height()}).containsExactly(50, 40));
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left",
                "--model-store", store.toString(), "--model", "missing").settings())
                .hasMessageContaining("No input shape found for model 'missing'");
    }

    @Test
    void withoutAModelStoreTheSizeIs64x64() {
        IngestSettings settings = parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left",
                "--model-store", store.resolve("nowhere").toString()).settings();
        assertThat(settings.width()).isEqualTo(64);
        assertThat(settings.height()).isEqualTo(64);
    }

    @Test
    void theDurationFlagTakesTheCommonGrammarAndRefusesBareOrNegativeValues() {
        assertThat(parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--duration", "1.5m")
                .settings().duration()).contains(Duration.ofSeconds(90));
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--duration", "12")
                .settings()).hasMessageContaining("--duration must be a duration");
        assertThatThrownBy(() -> parse("--bootstrap", "k:9092", "--camera", "a=synthetic:left", "--duration", "-5s")
                .settings()).hasMessageContaining("--duration must be a duration");
    }

    private IngestCommand parse(String... args) {
        IngestCommand command = new IngestCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private void writeModel(String name, String version, int height, int width) throws IOException {
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, name, version, "c3d-small", "test",
                ModelManifest.Input.uint8(new InputShape(32, height, width, 3)), List.of("a", "b"),
                new ModelManifest.NormalizationSpec(new float[] {0, 0, 0}, new float[] {1, 1, 1}, true),
                new ModelManifest.SignatureSpec("serving_default", "clips", "probabilities", true), 0, 0,
                "2026-11-28T00:00:00Z", null, null, null);
        Path dir = Files.createDirectories(new ModelStore(store).versionDirectory(name, version));
        Files.writeString(dir.resolve("saved_model.pb"), "graph");
        ModelStore.seal(dir, manifest);
        new ModelStore(store).setCurrent(name, version);
    }
}

package clipstream.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipstream.bench.BenchCommand;
import clipstream.model.eval.Evaluation;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelStore;
import clipstream.model.store.Normalization;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.TrainingRun;
import clipstream.model.train.WeightInit;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark suites working: each runs with {@code --quick} (tiny sizes) on the real stack and the default
 * model, and its JSON and PNG must have the expected structure and sane values. Never a timed assertion: these runs
 * measure nothing worth keeping. Skipped when the model store has no CURRENT default model.
 */
class BenchSmokeTest {
    private static final Path STORE = Path.of(System.getProperty("clipstream.model-store", "../model-store"));
    private static final String MODEL = "c3d-small";

    @BeforeAll
    static void needsTheDefaultModel() {
        Path current = STORE.resolve("models").resolve(MODEL).resolve("CURRENT");
        assumeTrue(Files.isRegularFile(current), "Skipped: no default model at " + current.toAbsolutePath().normalize());
    }

    private static JsonNode run(Path out, String suite, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(suite, "--quick", "--out",
                out.toString()));
        if (!suite.equals("ingest") && !List.of(extra).contains("--store")) { // ingest runs no model
            args.addAll(List.of("--store", STORE.toString()));
        }
        args.addAll(List.of(extra));
        assertThat(BenchCommand.execute(args.toArray(String[]::new))).as("exit code of bench %s", suite).isZero();
        Path json = out.resolve(suite + ".json");
        assertThat(json).isRegularFile();
        JsonNode node = new ObjectMapper().readTree(json.toFile());
        assertThat(node.path("suite").asText()).isEqualTo(suite);
        assertThat(node.path("cores").asInt()).isPositive();
        return node;
    }

    private static void assertPlot(Path png) throws Exception {
        assertThat(png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(400);
        assertThat(image.getHeight()).isGreaterThan(300);
    }

    @Test
    void pipelineSuiteReportsEfficiencyStagesAndAPlot(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "pipeline");

        assertThat(json.path("bare_model_clips_per_s").asDouble()).isPositive();
        assertThat(json.path("pipeline_efficiency").asDouble()).isStrictlyBetween(0.0, 2.0);
        JsonNode rounds = json.path("rounds");
        assertThat(rounds.size()).isEqualTo(1);
        assertThat(rounds.get(0).path("efficiency").asDouble()).isEqualTo(json.path("pipeline_efficiency").asDouble());
        assertThat(rounds.get(0).path("bare_before_clips_per_s").asDouble()).isPositive();
        assertThat(rounds.get(0).path("bare_after_clips_per_s").asDouble()).isPositive();
        assertThat(rounds.get(0).path("steal_share_drain").asDouble()).isBetween(0.0, 1.0);
        assertThat(rounds.get(0).path("jit_share_drain").isNumber()).isTrue();
        assertThat(rounds.get(0).path("jit_share_drain").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.path("warm_up_drains").asInt(-1)).isZero();
        assertThat(json.path("settings").path("thread_spinning").asBoolean(true)).isFalse();
        JsonNode runs = json.path("runs");
        assertThat(runs.size()).isEqualTo(2);
        for (JsonNode run : runs) {
            assertThat(run.path("events").asLong()).as("%s", run).isPositive()
                    .isEqualTo(run.path("expected_clips").asLong());
            assertThat(run.path("duplicates").asLong()).isZero();
            assertThat(run.path("dead_letters").asLong()).isZero();
            assertThat(run.path("clips_per_s").asDouble()).isPositive();
            assertThat(run.path("peak_rss_mib").asLong()).isPositive();
            assertThat(run.path("stages_ms").path("inferenceLatencyMs").path("p50").asDouble()).isPositive();
            assertThat(run.path("stages_ms").has("batchWaitMs")).isTrue();
            assertThat(run.path("cpu_seconds_by_thread").size()).isPositive();
        }
        assertThat(runs.get(0).path("mode").asText()).isEqualTo("drain");
        assertThat(runs.get(1).path("end_to_end_ms").path("p50").asDouble()).isPositive();
        assertPlot(out.resolve("pipeline.png"));
    }

    /**
     * The tiniest {@code bench stream} (2 cameras x 5 clips, one round per stride, no paced runs): both modes drain
     * the same backlog of the same stream model completely, and the report has the ratio per stride and the state per
     * camera. On the committed c3d-small-stream, or, before there is one, an untrained one at 16x16 in a temporary
     * store (the throughput of random weights is as real as trained ones', the labels are not).
     */
    @Test
    void streamSuiteDrainsTheSameBacklogClipByClipAndAsStreams(@TempDir Path out, @TempDir Path models) throws Exception {
        JsonNode json = run(out, "stream", "--store", streamModelStore(models).toString());

        assertThat(json.path("settings").path("strides")).extracting(JsonNode::asInt).containsExactly(16, 8);
        assertThat(json.path("state_bytes_per_camera").asLong()).isPositive()
                .isEqualTo(json.path("state_floats_per_camera").asLong() * Float.BYTES);
        JsonNode strides = json.path("strides");
        assertThat(strides.size()).isEqualTo(2);
        for (JsonNode stride : strides) {
            JsonNode rounds = stride.path("rounds");
            assertThat(rounds.size()).isEqualTo(1);
            assertThat(stride.path("ratio").asDouble()).isPositive().isEqualTo(rounds.get(0).path("ratio").asDouble());
            assertThat(stride.has("ratio_target")).isTrue();
            JsonNode clips = rounds.get(0).path("clips");
            JsonNode stream = rounds.get(0).path("stream");
            assertThat(clips.path("inference").asText()).isEqualTo("clips");
            assertThat(stream.path("inference").asText()).isEqualTo("stream");
            for (JsonNode run : List.of(clips, stream)) {
                assertThat(run.path("events").asLong()).as("%s", run).isPositive()
                        .isEqualTo(run.path("expected_clips").asLong());
                assertThat(run.path("duplicates").asLong()).isZero();
                assertThat(run.path("dead_letters").asLong()).isZero();
                assertThat(run.path("clips_per_s").asDouble()).isPositive();
                assertThat(run.path("mean_batch_size").asDouble()).isPositive();
                assertThat(run.path("cpu_seconds_by_thread").size()).isPositive();
            }
            assertThat(stream.path("events").asLong()).isEqualTo(clips.path("events").asLong());
        }
    }

    /** The committed stream model's store, or {@code temp} holding an untrained c3d-small-stream at 32x16x16. */
    private static Path streamModelStore(Path temp) {
        if (Files.isRegularFile(STORE.resolve("models").resolve(ModelZoo.C3D_SMALL_STREAM).resolve("CURRENT"))) {
            return STORE;
        }
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL_STREAM, new InputShape(32, 16, 16, 3), 3));
        ModelStore store = new ModelStore(temp);
        String version = new TrainingRun(store, new TrainingOptions(1, 4, 1e-3, 1, 0, 1), null)
                .publish(ModelZoo.C3D_SMALL_STREAM, plan, new Normalization(new float[] {128, 128, 128},
                                new float[] {64, 64, 64}), WeightInit.initial(plan, 3),
                        Evaluation.of(List.of("a", "b", "c"), new int[] {0, 1, 2}, new int[] {0, 1, 2}), List.of(),
                        JsonNodeFactory.instance.objectNode(), 3, 3)
                .manifest().version();
        store.setCurrent(ModelZoo.C3D_SMALL_STREAM, version);
        return temp;
    }

    @Test
    void latencySuiteComparesAtLeastOnceWithExactlyOnce(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "latency", "--capacity", "8");

        JsonNode runs = json.path("runs");
        assertThat(runs.size()).isEqualTo(2);
        assertThat(runs.get(0).path("delivery").asText()).isEqualTo("AT_LEAST_ONCE");
        assertThat(runs.get(1).path("delivery").asText()).isEqualTo("EXACTLY_ONCE");
        for (JsonNode run : runs) {
            assertThat(run.path("events").asLong()).isPositive().isEqualTo(run.path("expected_clips").asLong());
            assertThat(run.path("duplicates").asLong()).isZero();
        }
        assertThat(json.path("settings").path("checkpoint_interval_ms").asLong()).isPositive();
    }

    @Test
    void scaleSuiteReportsPerCameraFiguresAndAPlot(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "scale");

        JsonNode runs = json.path("runs");
        assertThat(runs.size()).isEqualTo(2);
        for (JsonNode run : runs) {
            assertThat(run.path("events").asLong()).isPositive();
            assertThat(run.path("clips_per_s_per_camera").asDouble()).isPositive();
            assertThat(run.has("checkpoint_state_bytes_per_camera")).isTrue();
        }
        assertPlot(out.resolve("scale.png"));
    }

    @Test
    void ingestSuiteMeasuresEverySizeAndEncoding(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "ingest");

        JsonNode results = json.path("results");
        assertThat(results.size()).isEqualTo(4);
        for (JsonNode result : results) {
            assertThat(result.path("frames").asLong()).isEqualTo(100);
            assertThat(result.path("frames_per_s").asDouble()).isPositive();
            assertThat(result.path("bytes_per_frame").asDouble()).isPositive();
        }
    }

    @Test
    void poseSuiteMeasuresEachInputSizeAndWhatACameraCosts(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "pose");

        JsonNode results = json.path("results");
        assertThat(results).extracting(r -> r.path("input").asInt()).containsExactly(192, 256);
        for (JsonNode result : results) {
            assertThat(result.path("ms_per_frame").asDouble()).isPositive();
            assertThat(result.path("core_share_at_10_fps").asDouble())
                    .isCloseTo(result.path("cpu_ms_per_frame").asDouble() * 10 / 1000, within(1e-9));
            assertThat(result.path("cameras_at_5_fps").asInt()).isNotNegative();
        }
        assertPlot(out.resolve("pose.png"));
    }

    @Test
    void soakSuiteSamplesMemoryLagAndCheckpointsAndJudgesFlatness(@TempDir Path out) throws Exception {
        JsonNode json = run(out, "soak");

        JsonNode samples = json.path("samples");
        assertThat(samples.size()).isGreaterThanOrEqualTo(4);
        for (JsonNode sample : samples) {
            assertThat(sample.path("rss_mib").asLong()).isPositive();
            assertThat(sample.path("committed_lag_frames").asLong()).isNotNegative();
            // one entry per frames partition, with the job's consumer's position (read in-process; -1: none)
            assertThat(sample.path("partitions")).isNotEmpty().allSatisfy(partition -> {
                assertThat(partition.path("position").asLong()).isNotNegative()
                        .isLessThanOrEqualTo(partition.path("end").asLong());
                assertThat(partition.path("end").asLong()).isGreaterThanOrEqualTo(partition.path("committed").asLong());
            });
        }
        assertThat(samples.get(samples.size() - 1).path("checkpoint_bytes").asLong()).isPositive();
        assertThat(json.path("verdict").has("rss_flat")).isTrue();
        assertPlot(out.resolve("soak.png"));
    }
}

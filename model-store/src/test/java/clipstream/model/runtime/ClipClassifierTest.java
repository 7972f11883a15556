package clipstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.model.bench.RawSession;
import clipstream.model.data.ClipDataset;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.eval.Evaluation;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.TrainingListener;
import clipstream.model.train.TrainingRun;
import clipstream.model.train.WeightInit;
import clipstream.model.store.InputShape;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import clipstream.model.store.Normalization;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving path on the real TensorFlow engine: export, load, classify, refuse. */
class ClipClassifierTest {
    private static final InputShape INPUT = new InputShape(8, 16, 16, 3);
    private static final Normalization NORMALIZATION =
            new Normalization(new float[] {100, 110, 120}, new float[] {50, 55, 60});

    @TempDir
    static Path storeRoot;

    private static NetworkPlan plan;
    private static Map<String, float[]> weights;
    private static ClipDataset clips;

    @BeforeAll
    static void publishAModel() {
        TensorFlowNatives.engine();
        plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, INPUT, 10));
        weights = WeightInit.initial(plan, 11);
        clips = MotionActionsDataset.generate(1, INPUT.frames(), INPUT.height(), INPUT.width(), 5);
        ModelStore store = new ModelStore(storeRoot);
        TrainingRun run = new TrainingRun(store, TrainingOptions.defaults(), TrainingListener.SILENT);
        Evaluation none = Evaluation.of(clips.labelNames(), new int[0], new int[0]);
        for (String name : List.of("tiny", "tampered")) {
            run.publish(name, plan, NORMALIZATION, weights, none, List.of(), JsonNodeFactory.instance.objectNode(), 0, 0);
            store.setCurrent(name, "1");
        }
    }

    private static ClassifierOptions options(String name) {
        return new ClassifierOptions(storeRoot, name, null, "cpu", 2, 1);
    }

    @Test
    void theExportedModelServesExactlyWhatTheTrainingGraphComputes() {
        float[] expected = rawSessionProbabilities(clips);

        try (ClipClassifier classifier = ClipClassifier.open(options("tiny"))) {
            List<ClipPrediction> predictions = classifier.classify(Arrays.asList(clips.clips()), 10);

            assertThat(predictions).hasSize(clips.size());
            for (int i = 0; i < clips.size(); i++) {
                for (ScoredLabel scored : predictions.get(i).topK()) {
                    int c = clips.labelNames().indexOf(scored.label());
                    assertThat(scored.score()).as("clip %d label %s", i, scored.label()).isEqualTo(expected[i * 10 + c]);
                }
                assertThat(predictions.get(i).topK()).isSortedAccordingTo((a, b) -> Float.compare(b.score(), a.score()));
            }
        }
    }

    @Test
    void tensorFlowThreadsDoNotSpinUnlessAskedTo() {
        var quiet = ClipClassifier.sessionConfig(options("tiny"));
        var spinning = ClipClassifier.sessionConfig(new ClassifierOptions(storeRoot, "tiny", null, "cpu", 3, 2, true));

        assertThat(quiet.getExperimental().getDisableThreadSpinning()).isTrue();
        assertThat(spinning.getExperimental().getDisableThreadSpinning()).isFalse();
        assertThat(spinning.getIntraOpParallelismThreads()).isEqualTo(3);
        assertThat(spinning.getInterOpParallelismThreads()).isEqualTo(2);
        assertThat(spinning.getAllowSoftPlacement()).isFalse();
    }

    @Test
    void aModelServedWithSpinningThreadsGivesTheSameScores() {
        List<byte[]> batch = Arrays.asList(clips.clips()).subList(0, 4);
        try (ClipClassifier quiet = ClipClassifier.open(options("tiny"));
             ClipClassifier spinning = ClipClassifier.open(new ClassifierOptions(storeRoot, "tiny", null, "cpu", 2, 1,
                     true))) {
            assertThat(spinning.classify(batch, 10)).isEqualTo(quiet.classify(batch, 10));
        }
    }

    @Test
    void aClipOfTheWrongShapeIsRejectedWithTheExpectedShape() {
        try (ClipClassifier classifier = ClipClassifier.open(options("tiny"))) {
            assertThatThrownBy(() -> classifier.classify(List.of(new byte[100]), 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("8x16x16x3")
                    .hasMessageContaining("100 bytes");
        }
    }

    @Test
    void aTamperedModelIsRefusedNamingTheFile() throws IOException {
        Path variables;
        try (Stream<Path> files = Files.list(storeRoot.resolve("models/tampered/1/variables"))) {
            variables = files.filter(p -> p.getFileName().toString().startsWith("variables.data")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(variables);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(variables, bytes);

        assertThatThrownBy(() -> ClipClassifier.open(options("tampered")))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(variables.getFileName().toString());
    }

    @Test
    void askingForAGpuThatTensorFlowDoesNotSeeIsAnError() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TensorFlowNatives.engine().getGpuCount() == 0,
                "a GPU is visible here");

        assertThatThrownBy(() -> ClipClassifier.open(new ClassifierOptions(storeRoot, "tiny", null, "gpu", 2, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TensorFlow sees no GPU");
    }

    @Test
    void leasesShareOneLoadedModelAndTheLastClosesIt() {
        ClassifierOptions options = options("tiny");
        ClassifierLease first = SharedClassifiers.acquire(options);
        ClassifierLease second = SharedClassifiers.acquire(options);

        assertThat(first.classifier()).isSameAs(second.classifier());
        assertThat(SharedClassifiers.leases(options)).isEqualTo(2);
        first.close();
        assertThat(second.classifier().classify(List.of(clips.clips()[0]), 1)).hasSize(1);
        second.close();
        assertThat(SharedClassifiers.leases(options)).isZero();
        assertThatThrownBy(() -> second.classifier()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void residentMemoryStaysFlatOverManyInferences() throws IOException {
        List<byte[]> batch = Arrays.asList(clips.clips()).subList(0, 8);
        try (ClipClassifier classifier = ClipClassifier.open(options("tiny"))) {
            for (int i = 0; i < 100; i++) {
                classifier.classify(batch, 1);
            }
            long before = residentKiB();
            for (int i = 0; i < 1500; i++) {
                classifier.classify(batch, 1);
            }
            long grownMiB = (residentKiB() - before) / 1024;
            // 1500 batches hand ~700 MiB of input to TensorFlow; a leak of the input tensors alone would show here
            assertThat(grownMiB).as("RSS growth over 1500 batches, MiB").isLessThan(64);
        }
    }

    private static long residentKiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    private static float[] rawSessionProbabilities(ClipDataset data) {
        try (RawSession raw = new RawSession(plan, NORMALIZATION, weights, 2)) {
            return raw.run(Arrays.asList(data.clips()));
        }
    }
}

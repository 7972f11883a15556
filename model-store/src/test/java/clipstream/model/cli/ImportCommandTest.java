package clipstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.data.ClipDataset;
import clipstream.media.synthetic.MotionAction;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.store.ModelStore;
import clipstream.model.train.SavedModelExporter;
import clipstream.model.train.WeightInit;
import clipstream.model.store.InputShape;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import clipstream.model.store.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSavedModelFromElsewhereIsWrappedWithItsSignatureAndServes() throws IOException {
        InputShape shape = new InputShape(8, 16, 16, 3);
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, shape, 10));
        Path savedModel = dir.resolve("exported");
        SavedModelExporter.export(plan, new Normalization(new float[] {90, 90, 90}, new float[] {40, 40, 40}),
                WeightInit.initial(plan, 3), savedModel);
        Path labels = Files.writeString(dir.resolve("labels.txt"), String.join("\n", MotionAction.labels()) + "\n");
        Path store = dir.resolve("store");

        int exit = ModelCommand.execute("import", savedModel.toString(), "--name", "imported", "--labels",
                labels.toString(), "--store", store.toString(), "--set-current");

        assertThat(exit).isZero();
        ModelStore models = new ModelStore(store);
        assertThat(models.verify(models.describe("imported", null))).isEmpty();
        var manifest = models.describe("imported", null).manifest();
        assertThat(manifest.input().shape()).isEqualTo(shape);
        assertThat(manifest.input().dtype()).isEqualTo("uint8");
        assertThat(manifest.signature().input()).isEqualTo("clips");
        assertThat(manifest.signature().output()).isEqualTo("probabilities");
        ClipDataset clips = MotionActionsDataset.generate(1, 8, 16, 16, 1);
        try (ClipClassifier classifier = ClipClassifier.open(new ClassifierOptions(store, "imported", null, "cpu", 2, 1))) {
            List<ClipPrediction> predictions = classifier.classify(Arrays.asList(clips.clips()), 10);
            assertThat(predictions).hasSize(10).allSatisfy(p -> assertThat(
                    p.topK().stream().mapToDouble(s -> s.score()).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4)));
        }
    }

    @Test
    void aFolderWithoutASavedModelIsBadUsage() {
        assertThat(ModelCommand.execute("import", dir.toString(), "--name", "x", "--labels", dir.resolve("l").toString(),
                "--store", dir.toString())).isEqualTo(2);
    }
}

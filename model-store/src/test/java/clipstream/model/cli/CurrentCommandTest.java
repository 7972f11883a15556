package clipstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.media.synthetic.MotionAction;
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
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurrentCommandTest {
    @TempDir
    Path dir;

    @Test
    void switchesToAVerifiedVersionAndRefusesATamperedOne() throws IOException {
        InputShape shape = new InputShape(8, 16, 16, 3);
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, shape, 10));
        Path savedModel = dir.resolve("exported");
        SavedModelExporter.export(plan, new Normalization(new float[] {90, 90, 90}, new float[] {40, 40, 40}),
                WeightInit.initial(plan, 3), savedModel);
        Path labels = Files.writeString(dir.resolve("labels.txt"), String.join("\n", MotionAction.labels()) + "\n");
        String store = dir.resolve("store").toString();
        assertThat(ModelCommand.execute("import", savedModel.toString(), "--name", "m", "--labels", labels.toString(),
                "--store", store, "--set-current")).isZero();
        assertThat(ModelCommand.execute("import", savedModel.toString(), "--name", "m", "--labels", labels.toString(),
                "--store", store)).isZero();
        assertThat(ModelCommand.execute("import", savedModel.toString(), "--name", "m", "--labels", labels.toString(),
                "--store", store)).isZero();
        ModelStore models = new ModelStore(Path.of(store));
        assertThat(models.versions("m")).containsExactly("1", "2", "3");
        assertThat(models.current("m")).contains("1");

        assertThat(ModelCommand.execute("current", "m", "2", "--store", store)).isZero();
        assertThat(models.current("m")).contains("2");

        Files.write(models.versionDirectory("m", "3").resolve("saved_model.pb"), new byte[] {7},
                StandardOpenOption.APPEND);
        assertThat(ModelCommand.execute("current", "m", "3", "--store", store)).as("tampered").isEqualTo(1);
        assertThat(ModelCommand.execute("current", "m", "9", "--store", store)).as("missing").isEqualTo(1);
        assertThat(models.current("m")).as("unchanged after a refusal").contains("2");

        assertThat(ModelCommand.execute("current", "m", "1", "--store", store)).as("rollback").isZero();
        assertThat(models.current("m")).contains("1");
        assertThat(ModelCommand.execute("current", "m", "--store", store)).isZero();
        assertThat(ModelCommand.execute("current", "nothing", "--store", store)).isEqualTo(1);
    }
}

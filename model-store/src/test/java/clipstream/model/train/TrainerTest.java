package clipstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.data.ClipDataset;
import clipstream.model.data.MotionAction;
import clipstream.model.data.SceneRenderer;
import clipstream.model.zoo.InputShape;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /** Two motion classes at a small size: a real training run that must beat chance within seconds. */
    private static ClipDataset.Split leftVersusRight() {
        InputShape in = new InputShape(16, 32, 32, 3);
        SceneRenderer renderer = new SceneRenderer(in.width(), in.height());
        MotionAction[] actions = {MotionAction.LEFT, MotionAction.RIGHT};
        int count = 300;
        byte[][] clips = new byte[count][];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 2;
            clips[i] = renderer.render(actions[labels[i]], in.frames(), 1000 + i);
        }
        return new ClipDataset(List.of("left", "right"), in.frames(), in.height(), in.width(), clips, labels).split(0.2, 3);
    }

    @Test
    void aTinyModelLearnsBetterThanChance() {
        ClipDataset.Split data = leftVersusRight();
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, new InputShape(16, 32, 32, 3), 2));
        List<EpochStats> epochs = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void epochDone(EpochStats stats, int total) {
                epochs.add(stats);
            }
        };

        Trainer.Result result = new Trainer(new TrainingOptions(8, 16, 1e-3, 42, 8, 1), listener)
                .train(plan, TrainingRun.measureNormalization(data.train()), data.train(), data.test());

        assertThat(epochs).hasSize(8);
        assertThat(epochs.get(7).loss()).isLessThan(epochs.get(0).loss());
        // patience 8 = all 8 epochs, keeping the best; one thread keeps TF's reductions in a fixed order
        // (with two, batch-norm's moving statistics made the last epoch's held-out accuracy swing 0.7-1.0)
        assertThat(Trainer.accuracy(result.heldOutPredictions(), data.test().labels()))
                .as("held-out accuracy of left vs right (chance: 0.5)").isGreaterThan(0.75);
        assertThat(result.weights()).containsKeys("conv1/kernel", "conv1/gamma", "logits/bias");
        // batch normalisation's moving statistics follow the training batches (they start at 0 and 1)
        assertThat(result.weights().get("conv1/moving_mean")).isNotEqualTo(new float[16]);
    }
}

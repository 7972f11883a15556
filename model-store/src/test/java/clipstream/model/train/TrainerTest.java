package clipstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.data.ClipDataset;
import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SceneRenderer;
import clipstream.model.store.InputShape;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.zoo.NetworkGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

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
        // (with two, batch-norm's moving statistics make the last epoch's held-out accuracy swing 0.7-1.0)
        assertThat(Trainer.accuracy(result.heldOutPredictions(), data.test().labels()))
                .as("held-out accuracy of left vs right (chance: 0.5)").isGreaterThan(0.75);
        assertThat(result.weights()).containsKeys("conv1/kernel", "conv1/gamma", "logits/bias");
        // batch normalisation's moving statistics follow the training batches (they start at 0 and 1)
        assertThat(result.weights().get("conv1/moving_mean")).isNotEqualTo(new float[16]);
    }

    @Test
    void storedBatchNormStatisticsAreThePopulationStatisticsOfTheStoredWeights() {
        InputShape in = new InputShape(8, 16, 16, 3);
        SceneRenderer renderer = new SceneRenderer(in.width(), in.height());
        int count = 40;
        byte[][] clips = new byte[count][];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 2;
            clips[i] = renderer.render(labels[i] == 0 ? MotionAction.LEFT : MotionAction.RIGHT, in.frames(), 50 + i);
        }
        ClipDataset.Split data = new ClipDataset(List.of("left", "right"), in.frames(), in.height(), in.width(), clips,
                labels).split(0.25, 3);
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, in, 2));
        var normalization = TrainingRun.measureNormalization(data.train());
        // every training batch takes part, so the statistics must be those of the whole training set at once
        Trainer.Result result = new Trainer(new TrainingOptions(2, 8, 1e-2, 5, 0, 1, 1000), new TrainingListener() { })
                .train(plan, normalization, data.train(), data.test());

        TensorFlowNatives.engine();
        try (Graph graph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, normalization);
            network.withBatchStatistics().logits(false);
            List<NetworkGraph.BatchStatistics> layers = network.batchStatistics();
            assertThat(layers).extracting(NetworkGraph.BatchStatistics::layer).contains("conv1");
            int[] all = new int[data.train().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            try (Session session = new Session(graph, Trainer.sessionConfig(1))) {
                session.initialize();
                network.assign(session, result.weights());
                Session.Runner runner = session.runner();
                try (Tensor batch = data.train().batch(all, 0, all.length)) {
                    runner.feed(network.input(), batch);
                    layers.forEach(layer -> runner.fetch(layer.mean()).fetch(layer.variance()));
                    try (org.tensorflow.Result fetched = runner.run()) {
                        Map<String, float[]> stored = result.weights();
                        for (int l = 0; l < layers.size(); l++) {
                            float[] mean = values((TFloat32) fetched.get(2 * l));
                            float[] variance = values((TFloat32) fetched.get(2 * l + 1));
                            float[] storedMean = stored.get(layers.get(l).movingMean());
                            float[] storedVariance = stored.get(layers.get(l).movingVariance());
                            for (int c = 0; c < mean.length; c++) {
                                assertThat(storedMean[c]).as(layers.get(l).layer() + " mean " + c)
                                        .isCloseTo(mean[c], org.assertj.core.data.Offset.offset(1e-3f + 1e-3f * Math.abs(mean[c])));
                                assertThat(storedVariance[c]).as(layers.get(l).layer() + " variance " + c)
                                        .isCloseTo(variance[c], org.assertj.core.data.Offset.offset(1e-3f + 2e-3f * variance[c]));
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] values(TFloat32 tensor) {
        float[] values = new float[(int) tensor.size()];
        tensor.asRawTensor().data().asFloats().read(values);
        return values;
    }
}

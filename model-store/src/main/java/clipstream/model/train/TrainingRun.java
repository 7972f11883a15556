package clipstream.model.train;

import clipstream.model.data.ClipDataset;
import clipstream.model.data.TrainingData;
import clipstream.model.eval.Evaluation;
import clipstream.model.eval.Plots;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelPublisher;
import clipstream.model.store.ModelStore;
import clipstream.model.store.Normalization;
import clipstream.model.zoo.NetworkGraph;
import clipstream.model.zoo.NetworkPlan;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * One training run from data to a stored model: normalisation measured on the training split, training,
 * held-out evaluation, SavedModel export, plots and a sealed manifest published as the next version.
 */
public final class TrainingRun {
    private final ModelStore store;
    private final TrainingOptions options;
    private final TrainingListener listener;

    public TrainingRun(ModelStore store, TrainingOptions options, TrainingListener listener) {
        this.store = store;
        this.options = options;
        this.listener = listener;
    }

    /** What was trained and where it was stored. */
    public record Outcome(ModelStore.StoredModel model, Evaluation evaluation, List<EpochStats> history) {
    }

    /**
     * Trains {@code plan} on {@code data.train()}, evaluates on {@code data.test()} and publishes the result
     * as model {@code name}. {@code dataDescription} (dataset, seeds, sizes, command) goes into the manifest.
     */
    public Outcome run(String name, NetworkPlan plan, ClipDataset.Split data, ObjectNode dataDescription) {
        return run(name, plan, data.train(), data.test(), dataDescription);
    }

    /**
     * Trains {@code plan} on {@code train} (RGB clips or keypoint clips), evaluates on {@code heldOut} and publishes
     * the result as model {@code name}; RGB clips get their normalisation measured on {@code train}, keypoint clips
     * come normalised to the person's box and get none.
     */
    public Outcome run(String name, NetworkPlan plan, TrainingData train, TrainingData heldOut,
                       ObjectNode dataDescription) {
        return run(name, plan, plan, train, heldOut, dataDescription);
    }

    /**
     * Trains {@code trainPlan} and stores the weights as {@code servePlan}: the same layers over the clips the model
     * serves, where a stream network is trained on clips with frames before them as context (its window pool
     * averaging over the clip only).
     */
    public Outcome run(String name, NetworkPlan trainPlan, NetworkPlan servePlan, TrainingData train,
                       TrainingData heldOut, ObjectNode dataDescription) {
        if (!trainPlan.architecture().layers().equals(servePlan.architecture().layers())) {
            throw new IllegalArgumentException("the trained and the served network must have the same layers");
        }
        NetworkPlan plan = servePlan;
        Normalization normalization = train instanceof ClipDataset clips ? measureNormalization(clips) : IDENTITY;
        Trainer.Result result = new Trainer(options, listener).train(trainPlan, normalization, train, heldOut);
        List<String> labels = train.labelNames();
        Evaluation evaluation = Evaluation.of(labels, heldOut.labels(), result.heldOutPredictions());

        ModelStore.StoredModel stored = publish(name, plan, normalization, result.weights(), evaluation,
                result.history(), dataDescription, train.size(), heldOut.size());
        return new Outcome(stored, evaluation, result.history());
    }

    /** No normalisation (keypoint clips): what the manifest of a keypoint model records. */
    static final Normalization IDENTITY = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});

    /** Exports {@code weights} and publishes them with a sealed manifest and plots as the next version of {@code name}. */
    public ModelStore.StoredModel publish(String name, NetworkPlan plan, Normalization normalization,
                                         Map<String, float[]> weights, Evaluation evaluation, List<EpochStats> history,
                                         ObjectNode dataDescription, int trainClips, int heldOutClips) {
        ObjectNode training = JsonNodeFactory.instance.objectNode();
        training.setAll(dataDescription);
        training.put("seed", options.seed());
        training.put("epochs", options.epochs());
        training.put("epochs_run", history.size());
        training.put("batch_size", options.batchSize());
        training.put("learning_rate", options.learningRate());
        training.put("optimizer", "adam");
        training.put("loss", "softmax_cross_entropy");
        training.put("early_stopping_patience", options.patience());
        training.put("train_clips", trainClips);
        training.put("held_out_clips", heldOutClips);
        var epochs = training.putArray("history");
        for (EpochStats s : history) {
            epochs.addObject().put("epoch", s.epoch()).put("loss", s.loss()).put("train_accuracy", s.trainAccuracy())
                    .put("held_out_accuracy", s.heldOutAccuracy()).put("seconds", s.seconds());
        }
        List<String> labels = evaluation.labels();
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, name, "0", plan.architecture().name(),
                plan.architecture().description(), input(plan), labels,
                new ModelManifest.NormalizationSpec(normalization.mean(), normalization.std(), true),
                new ModelManifest.SignatureSpec(SavedModelExporter.SIGNATURE_KEY,
                        plan.architecture().keypointInput() ? NetworkGraph.KEYPOINTS_INPUT_OP : NetworkGraph.INPUT_OP,
                        NetworkGraph.PROBABILITIES_OP, true),
                plan.totalParams(), plan.totalMacs(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                training, evaluation.toJson(), null, null, null, null, streamSpec(plan));
        return new ModelPublisher(store).publish(manifest, dir -> {
            SavedModelExporter.export(plan, normalization, weights, dir);
            Plots.confusionMatrix(evaluation, name + " (" + plan.architecture().name() + ") held-out confusion",
                    dir.resolve("confusion.png"));
            if (!history.isEmpty()) {
                Plots.trainingCurve(history, name + " (" + plan.architecture().name() + ") training",
                        dir.resolve("training.png"));
            }
        });
    }

    /** How a streamable {@code plan}'s stream mode is called, or null when it has none. */
    static ModelManifest.StreamSpec streamSpec(NetworkPlan plan) {
        if (!plan.streamable()) {
            return null;
        }
        return new ModelManifest.StreamSpec(SavedModelExporter.STREAM_SIGNATURE_KEY, NetworkGraph.CHUNK_INPUT_OP,
                NetworkGraph.PROBABILITIES_OP, plan.streamChunkMultiple(), plan.streamStates().stream()
                        .map(s -> new ModelManifest.StateSpec(s.input(), s.output(), s.shape())).toList());
    }

    /** The manifest's input of {@code plan}: uint8 RGB clips, or float keypoint clips. */
    static ModelManifest.Input input(NetworkPlan plan) {
        return plan.architecture().keypointInput() ? ModelManifest.Input.keypoints(plan.architecture().input())
                : ModelManifest.Input.uint8(plan.architecture().input());
    }

    /** Per-channel mean and standard deviation of the training clips' pixels (sampled). */
    static Normalization measureNormalization(ClipDataset train) {
        double[] sum = new double[3];
        double[] squares = new double[3];
        long count = 0;
        int step = Math.max(1, train.size() / 64);
        for (int i = 0; i < train.size(); i += step) {
            byte[] clip = train.clips()[i];
            for (int p = 0; p < clip.length; p += 3 * 7) {
                for (int c = 0; c < 3; c++) {
                    double v = clip[p + c] & 0xFF;
                    sum[c] += v;
                    squares[c] += v * v;
                }
                count++;
            }
        }
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / count;
            mean[c] = (float) m;
            std[c] = (float) Math.max(1.0, Math.sqrt(Math.max(0, squares[c] / count - m * m)));
        }
        return new Normalization(mean, std);
    }
}

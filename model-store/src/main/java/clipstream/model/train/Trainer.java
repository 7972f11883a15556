package clipstream.model.train;

import clipstream.model.data.TrainingData;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.Normalization;
import clipstream.model.zoo.NetworkGraph;
import clipstream.model.zoo.NetworkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Trains a {@link NetworkPlan} on clips with Adam and softmax cross-entropy, in a TensorFlow graph built
 * through the TF Java API (DJL cannot train on TensorFlow). Reproducible from {@link TrainingOptions#seed()}:
 * initial weights, the batch order and dropout masks all derive from it.
 */
public final class Trainer {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-7f;

    private final TrainingOptions options;
    private final TrainingListener listener;

    public Trainer(TrainingOptions options, TrainingListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** The trained weights, each epoch's statistics and the held-out predictions of those weights. */
    public record Result(Map<String, float[]> weights, List<EpochStats> history, int[] heldOutPredictions) {
    }

    public Result train(NetworkPlan plan, Normalization normalization, TrainingData train, TrainingData heldOut) {
        TensorFlowNatives.engine();
        Conv3dGradient.register();
        int classes = plan.architecture().classes();
        try (Graph graph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, normalization);
            Ops tf = network.ops();
            Placeholder<TFloat32> labels = tf.withName("labels").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, classes)));
            Operand<TFloat32> trainLogits = network.logits(true);
            Operand<TFloat32> loss = tf.math.mean(
                    tf.nn.softmaxCrossEntropyWithLogits(trainLogits, labels).loss(), tf.constant(0));
            Operand<TFloat32> evalLogits = network.withBatchStatistics().logits(false);

            Placeholder<TFloat32> learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TFloat32> beta1Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Placeholder<TFloat32> beta2Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            List<Variable<TFloat32>> variables = plan.variables().stream().filter(v -> v.trainable())
                    .map(v -> network.variables().get(v.name())).toList();
            Output<?>[] gradients = graph.addGradients(loss.asOutput(),
                    variables.stream().map(Variable::asOutput).toArray(Output[]::new));
            List<ApplyAdam<TFloat32>> updates = new ArrayList<>();
            for (int i = 0; i < variables.size(); i++) {
                Variable<TFloat32> variable = variables.get(i);
                Variable<TFloat32> m = tf.variable(tf.zeros(tf.constant(variable.shape().asArray()), TFloat32.class));
                Variable<TFloat32> v = tf.variable(tf.zeros(tf.constant(variable.shape().asArray()), TFloat32.class));
                @SuppressWarnings("unchecked")
                Operand<TFloat32> gradient = (Operand<TFloat32>) gradients[i];
                updates.add(tf.train.applyAdam(variable, m, v, beta1Power, beta2Power, learningRate,
                        tf.constant(BETA1), tf.constant(BETA2), tf.constant(EPSILON), gradient));
            }

            try (Session session = new Session(graph, sessionConfig(options.threads()))) {
                session.initialize();
                network.assign(session, WeightInit.initial(plan, options.seed()));
                return loop(session, network, labels, loss, trainLogits, evalLogits, updates,
                        network.trainingUpdates(), learningRate, beta1Power, beta2Power, train, heldOut, classes);
            }
        }
    }

    private Result loop(Session session, NetworkGraph network, Placeholder<TFloat32> labels, Operand<TFloat32> loss,
                        Operand<TFloat32> trainLogits, Operand<TFloat32> evalLogits, List<ApplyAdam<TFloat32>> updates,
                        List<Operand<TFloat32>> statistics, Placeholder<TFloat32> learningRate, Placeholder<TFloat32> beta1Power,
                        Placeholder<TFloat32> beta2Power, TrainingData train, TrainingData heldOut, int classes) {
        SplittableRandom random = new SplittableRandom(options.seed() ^ 0x2545F4914F6CDD1DL);
        List<EpochStats> history = new ArrayList<>();
        Map<String, float[]> best = null;
        int[] bestPredictions = null;
        double bestAccuracy = -1;
        int sinceBest = 0;
        long step = 0;
        int batches = (train.size() + options.batchSize() - 1) / options.batchSize();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            long start = System.nanoTime();
            int[] order = shuffled(train.size(), random);
            double lossSum = 0;
            int correct = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * options.batchSize();
                int to = Math.min(train.size(), from + options.batchSize());
                step++;
                try (Tensor clips = train.batch(order, from, to);
                     TFloat32 oneHot = ClipBatches.oneHot(train, order, from, to, classes);
                     TFloat32 lr = TFloat32.scalarOf((float) options.learningRate());
                     TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(BETA1, step));
                     TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(BETA2, step))) {
                    Session.Runner runner = session.runner()
                            .feed(network.input(), clips).feed(labels, oneHot)
                            .feed(learningRate, lr).feed(beta1Power, b1).feed(beta2Power, b2)
                            .fetch(loss).fetch(trainLogits);
                    updates.forEach(runner::addTarget);
                    statistics.forEach(runner::addTarget);
                    try (org.tensorflow.Result result = runner.run()) {
                        float batchLoss = ((TFloat32) result.get(0)).getFloat();
                        float[] logits = new float[(to - from) * classes];
                        ((TFloat32) result.get(1)).asRawTensor().data().asFloats().read(logits);
                        int batchCorrect = 0;
                        for (int i = from; i < to; i++) {
                            if (ClipBatches.argMax(logits, i - from, classes) == train.labels()[order[i]]) {
                                batchCorrect++;
                            }
                        }
                        lossSum += batchLoss * (to - from);
                        correct += batchCorrect;
                        listener.batchDone(epoch, options.epochs(), b + 1, batches, lossSum / to,
                                (double) correct / to);
                    }
                }
            }
            reestimateBatchNorm(session, network, train, options.seed() * 31 + epoch);
            int[] predictions = predict(session, network.input(), evalLogits, heldOut, classes);
            double accuracy = accuracy(predictions, heldOut.labels());
            EpochStats stats = new EpochStats(epoch, lossSum / train.size(), (double) correct / train.size(), accuracy,
                    (System.nanoTime() - start) / 1e9);
            history.add(stats);
            listener.epochDone(stats, options.epochs());
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                best = network.read(session);
                bestPredictions = predictions;
                sinceBest = 0;
            } else if (options.patience() > 0 && ++sinceBest >= options.patience()) {
                break;
            }
        }
        if (options.patience() == 0) {
            // without early stopping the result is the last epoch's weights, as trained
            best = network.read(session);
            bestPredictions = predict(session, network.input(), evalLogits, heldOut, classes);
        }
        return new Result(best, history, bestPredictions);
    }

    /**
     * Replaces the batch-norm moving averages with population statistics of the current weights, measured over
     * {@link TrainingOptions#bnBatches()} random training batches, one layer after the other in the inference
     * graph: each layer's input is measured with the layers before it already normalised by their new statistics,
     * exactly as the stored model will see it. The moving averages (momentum 0.99) lag behind weights that still
     * move at the end of an epoch, which makes held-out accuracy swing between epochs; these statistics belong to
     * the weights being evaluated and stored. Per channel: mean = the average of batch means; variance = the
     * average of (batch variance + batch mean²) minus mean², each batch weighted by its size.
     */
    void reestimateBatchNorm(Session session, NetworkGraph network, TrainingData train, long seed) {
        List<NetworkGraph.BatchStatistics> layers = network.batchStatistics();
        if (layers.isEmpty() || options.bnBatches() == 0 || train.size() == 0) {
            return;
        }
        int[] order = shuffled(train.size(), new SplittableRandom(seed));
        int batches = Math.min(options.bnBatches(), (train.size() + options.batchSize() - 1) / options.batchSize());
        for (NetworkGraph.BatchStatistics layer : layers) {
            double[] meanSum = null;
            double[] squareSum = null;
            long clips = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * options.batchSize();
                int to = Math.min(train.size(), from + options.batchSize());
                try (Tensor input = train.batch(order, from, to);
                     org.tensorflow.Result result = session.runner().feed(network.input(), input)
                             .fetch(layer.mean()).fetch(layer.variance()).run()) {
                    float[] mean = floats((TFloat32) result.get(0));
                    float[] variance = floats((TFloat32) result.get(1));
                    if (meanSum == null) {
                        meanSum = new double[mean.length];
                        squareSum = new double[mean.length];
                    }
                    for (int c = 0; c < mean.length; c++) {
                        meanSum[c] += (double) mean[c] * (to - from);
                        squareSum[c] += ((double) variance[c] + (double) mean[c] * mean[c]) * (to - from);
                    }
                }
                clips += to - from;
            }
            float[] mean = new float[meanSum.length];
            float[] variance = new float[meanSum.length];
            for (int c = 0; c < mean.length; c++) {
                double m = meanSum[c] / clips;
                mean[c] = (float) m;
                variance[c] = (float) Math.max(0, squareSum[c] / clips - m * m);
            }
            Map<String, float[]> weights = network.read(session);
            weights.put(layer.movingMean(), mean);
            weights.put(layer.movingVariance(), variance);
            network.assign(session, weights);
        }
    }

    private static float[] floats(TFloat32 tensor) {
        float[] values = new float[(int) tensor.size()];
        tensor.asRawTensor().data().asFloats().read(values);
        return values;
    }

    /** Arg-max class of every clip of {@code data} under the current weights. */
    static int[] predict(Session session, Operand<?> input, Operand<TFloat32> logitsOp, TrainingData data,
                         int classes) {
        int[] predictions = new int[data.size()];
        int[] identity = new int[data.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        int batch = 16;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            try (Tensor clips = data.batch(identity, from, to);
                 org.tensorflow.Result result = session.runner().feed(input, clips).fetch(logitsOp).run()) {
                float[] logits = new float[(to - from) * classes];
                ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(logits);
                for (int i = from; i < to; i++) {
                    predictions[i] = ClipBatches.argMax(logits, i - from, classes);
                }
            }
        }
        return predictions;
    }

    static double accuracy(int[] predictions, int[] labels) {
        if (labels.length == 0) {
            return 0;
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    private static int[] shuffled(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** A session config with {@code threads} intra-op threads and one inter-op thread (the graph is a chain). */
    public static ConfigProto sessionConfig(int threads) {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .build();
    }
}

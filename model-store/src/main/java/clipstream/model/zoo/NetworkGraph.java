package clipstream.model.zoo;

import clipstream.model.store.InputShape;
import clipstream.model.store.Normalization;
import clipstream.model.zoo.Layer.CausalConv3D;
import clipstream.model.zoo.Layer.Conv3D;
import clipstream.model.zoo.Layer.Dense;
import clipstream.model.zoo.Layer.Dropout;
import clipstream.model.zoo.Layer.Flatten;
import clipstream.model.zoo.Layer.GlobalAveragePool;
import clipstream.model.zoo.Layer.MaxPool3D;
import clipstream.model.zoo.Layer.MiddleFrame;
import clipstream.model.zoo.Layer.PoseHeatmaps;
import clipstream.model.zoo.Layer.WindowAveragePool;
import clipstream.model.zoo.NetworkPlan.StreamState;
import clipstream.model.zoo.NetworkPlan.VariableSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.StridedSlice;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A {@link NetworkPlan} built into a TensorFlow graph: a uint8 clip placeholder ({@value #INPUT_OP},
 * N×T×H×W×C), normalisation from the manifest's values inside the graph, the layers, and the weights as
 * variables that are set from Java ({@link #assign}) and read back ({@link #read}).
 *
 * <p>Feeding uint8 lets the runtime copy frame bytes straight into the input tensor; the float conversion
 * and normalisation run inside TensorFlow.
 */
public final class NetworkGraph {
    public static final String INPUT_OP = "clips";
    /** The input of a network that takes keypoint clips ({@link Architecture#keypointInput()}). */
    public static final String KEYPOINTS_INPUT_OP = "keypoints";
    public static final String PROBABILITIES_OP = "probabilities";
    /** The input of a stream network's stream mode: a chunk of new frames, uint8 N×S×H×W×C. */
    public static final String CHUNK_INPUT_OP = "chunk";
    /** The stream mode's probabilities (its signature calls them {@value #PROBABILITIES_OP} too). */
    public static final String STREAM_PROBABILITIES_OP = "stream_probabilities";

    private final NetworkPlan plan;
    private final Ops tf;
    private final Placeholder<?> input;
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> initialValues = new LinkedHashMap<>();
    private final Map<String, Assign<TFloat32>> assigns = new LinkedHashMap<>();
    private final Operand<TFloat32> normalised;
    private Normalization normalization;
    private final List<Operand<TFloat32>> trainingUpdates = new java.util.ArrayList<>();
    private final List<BatchStatistics> batchStatistics = new java.util.ArrayList<>();
    private boolean withStatistics;
    private long dropoutSeed = 1;
    private static final float BATCH_NORM_MOMENTUM = 0.99f;
    private static final float BATCH_NORM_EPSILON = 1e-3f;

    private NetworkGraph(Graph graph, NetworkPlan plan, Normalization normalization) {
        this.plan = plan;
        this.tf = Ops.create(graph);
        InputShape in = plan.architecture().input();
        boolean keypoints = plan.architecture().keypointInput();
        this.input = keypoints
                ? tf.withName(KEYPOINTS_INPUT_OP).placeholder(TFloat32.class, Placeholder.shape(
                        Shape.of(-1, in.frames(), in.width(), in.channels())))
                : tf.withName(INPUT_OP).placeholder(TUint8.class, Placeholder.shape(
                        Shape.of(-1, in.frames(), in.height(), in.width(), in.channels())));
        for (VariableSpec spec : plan.variables()) {
            // spec names are "<layer>/<kernel|bias>": the layer becomes the op's name scope
            String[] parts = spec.name().split("/");
            Ops scope = tf.withSubScope(parts[0]);
            Variable<TFloat32> variable = scope.withName(parts[1]).variable(Shape.of(spec.shape()), TFloat32.class);
            Placeholder<TFloat32> value = scope.withName(parts[1] + "_initial_value")
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(spec.shape())));
            variables.put(spec.name(), variable);
            initialValues.put(spec.name(), value);
            assigns.put(spec.name(), scope.withName(parts[1] + "_assign").assign(variable, value));
        }
        if (keypoints) {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> floats = (Operand<TFloat32>) input;
            this.normalised = floats; // keypoints are normalised to the person's clip box before they come in
            return;
        }
        this.normalization = normalization;
        this.normalised = normalise(input);
    }

    private Operand<TFloat32> normalise(Operand<?> pixels) {
        float[] mean = normalization.mean();
        float[] std = normalization.std();
        float[] inverseStd = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            inverseStd[c] = 1f / std[c];
        }
        return tf.math.mul(
                tf.math.sub(tf.dtypes.cast(pixels, TFloat32.class), tf.constant(mean)), tf.constant(inverseStd));
    }

    /** Makes the next {@code logits(false)} also build each batch-norm layer's input statistics (for training). */
    public NetworkGraph withBatchStatistics() {
        withStatistics = true;
        return this;
    }

    /** Builds the plan into {@code graph} (uninitialised weights: call {@link #assign} before running it). */
    public static NetworkGraph build(Graph graph, NetworkPlan plan, Normalization normalization) {
        return new NetworkGraph(graph, plan, normalization);
    }

    public Ops ops() {
        return tf;
    }

    public NetworkPlan plan() {
        return plan;
    }

    /** The input placeholder: uint8 clips (N×T×H×W×C), or float keypoint clips (N×T×joints×3). */
    public Placeholder<?> input() {
        return input;
    }

    /** The name of the input op: {@value #INPUT_OP}, or {@value #KEYPOINTS_INPUT_OP} for keypoint clips. */
    public String inputName() {
        return plan.architecture().keypointInput() ? KEYPOINTS_INPUT_OP : INPUT_OP;
    }

    public Map<String, Variable<TFloat32>> variables() {
        return variables;
    }

    /** The logits; with {@code training} the dropout layers drop (seeded), without they are the identity. */
    public Operand<TFloat32> logits(boolean training) {
        Operand<TFloat32> x = normalised;
        for (Layer layer : plan.architecture().layers()) {
            x = apply(layer, x, training);
        }
        return x;
    }

    /** The inference output of layer {@code name} (and of every layer before it): what a layer sees, for checks. */
    public Operand<TFloat32> upTo(String name) {
        Operand<TFloat32> x = normalised;
        for (Layer layer : plan.architecture().layers()) {
            x = apply(layer, x, false);
            if (layer.name().equals(name)) {
                return x;
            }
        }
        throw new IllegalArgumentException("No layer " + name + " in " + plan.architecture().name());
    }

    /** Softmax over the inference logits, named {@value #PROBABILITIES_OP}. */
    public Operand<TFloat32> probabilities() {
        return tf.withName(PROBABILITIES_OP).nn.softmax(logits(false));
    }

    private Operand<TFloat32> apply(Layer layer, Operand<TFloat32> x, boolean training) {
        if (layer instanceof PoseHeatmaps h) {
            return heatmaps(h, x);
        }
        if (layer instanceof Conv3D c) {
            Operand<TFloat32> conv = tf.nn.conv3d(x, variables.get(c.name() + "/kernel"), List.of(1L, 1L, 1L, 1L, 1L),
                    c.same() ? "SAME" : "VALID");
            return activate(c.name(), c.batchNorm(), conv, training);
        }
        if (layer instanceof CausalConv3D c) {
            return causalConv(c, pad(x, c.kernelT() - 1, c.kernelH() / 2, c.kernelW() / 2), training);
        }
        if (layer instanceof WindowAveragePool w) {
            long steps = x.shape().get(1);
            long window = w.frames() * steps / plan.architecture().input().frames();
            // int32 begin and size: the Slice gradient (training on clips with context) builds int32 shapes
            Operand<TFloat32> last = steps == window ? x : tf.slice(x,
                    tf.constant(new int[] {0, (int) (steps - window), 0, 0, 0}),
                    tf.constant(new int[] {-1, (int) window, -1, -1, -1}));
            return tf.math.mean(last, tf.constant(new int[] {1, 2, 3}));
        }
        if (layer instanceof MaxPool3D p) {
            List<Long> window = List.of(1L, (long) p.poolT(), (long) p.poolH(), (long) p.poolW(), 1L);
            return tf.nn.maxPool3d(x, window, window, p.same() ? "SAME" : "VALID");
        }
        if (layer instanceof MiddleFrame) {
            int middle = plan.architecture().input().frames() / 2;
            return tf.slice(x, tf.constant(new int[] {0, middle, 0, 0, 0}), tf.constant(new int[] {-1, 1, -1, -1, -1}));
        }
        if (layer instanceof GlobalAveragePool) {
            return tf.math.mean(x, tf.constant(new int[] {1, 2, 3}));
        }
        if (layer instanceof Flatten) {
            long[] shape = x.shape().asArray();
            long size = 1;
            for (int i = 1; i < shape.length; i++) {
                size *= shape[i];
            }
            return tf.reshape(x, tf.constant(new long[] {-1, size}));
        }
        if (layer instanceof Dense d) {
            Operand<TFloat32> out = tf.nn.biasAdd(tf.linalg.matMul(x, variables.get(d.name() + "/kernel")),
                    variables.get(d.name() + "/bias"));
            return d.relu() ? tf.nn.relu(out) : out;
        }
        if (layer instanceof Dropout d) {
            if (!training || d.rate() <= 0) {
                return x;
            }
            float keep = (float) (1 - d.rate());
            Operand<TFloat32> uniform = tf.random.randomUniform(tf.shape(x), TFloat32.class,
                    RandomUniform.seed(7L), RandomUniform.seed2(dropoutSeed++));
            Operand<TFloat32> mask = tf.math.floor(tf.math.add(uniform, tf.constant(keep)));
            return tf.math.mul(x, tf.math.mul(mask, tf.constant(1f / keep)));
        }
        throw new IllegalArgumentException("Unknown layer " + layer);
    }

    /** Batch normalisation (or a bias), then a ReLU: what follows every convolution. */
    private Operand<TFloat32> activate(String layer, boolean batchNorm, Operand<TFloat32> conv, boolean training) {
        Operand<TFloat32> shifted = batchNorm ? batchNorm(layer, conv, training)
                : tf.nn.biasAdd(conv, variables.get(layer + "/bias"));
        return tf.nn.relu(shifted);
    }

    /** A causal convolution over an input already padded (or preceded by its stream state) in time and space. */
    private Operand<TFloat32> causalConv(CausalConv3D c, Operand<TFloat32> padded, boolean training) {
        Operand<TFloat32> conv = tf.nn.conv3d(padded, variables.get(c.name() + "/kernel"),
                List.of(1L, 1L, 1L, 1L, 1L), "VALID");
        return activate(c.name(), c.batchNorm(), conv, training);
    }

    /** Zeros before the first frame ({@code past} steps) and around each frame ({@code rows}, {@code columns}). */
    private Operand<TFloat32> pad(Operand<TFloat32> x, int past, int rows, int columns) {
        return tf.pad(x, tf.constant(new int[][] {{0, 0}, {past, 0}, {rows, rows}, {columns, columns}, {0, 0}}),
                tf.constant(0f));
    }

    /** The last {@code steps} entries of axis 1 of {@code x} (of rank {@code rank}), however long axis 1 is. */
    private Operand<TFloat32> lastSteps(Operand<TFloat32> x, int rank, long steps, String name) {
        long[] begin = new long[rank];
        begin[1] = -steps;
        long allButTime = ((1L << rank) - 1) & ~2L;
        return tf.withName(name).stridedSlice(x, tf.constant(begin), tf.constant(new long[rank]),
                tf.constant(filled(rank, 1L)), StridedSlice.beginMask(allButTime), StridedSlice.endMask((1L << rank) - 1));
    }

    private static long[] filled(int length, long value) {
        long[] values = new long[length];
        java.util.Arrays.fill(values, value);
        return values;
    }

    /**
     * The stream mode of a streamable network ({@link NetworkPlan#streamable()}), built beside the clip mode with the
     * same variables: a chunk of new frames ({@value #CHUNK_INPUT_OP}, any multiple of
     * {@link NetworkPlan#streamChunkMultiple()} frames) and each {@link StreamState} in, the probabilities of the clip
     * that ends with the chunk's last frame and each next state out. Fed zero states, a first chunk of a whole clip
     * gives exactly the clip mode's probabilities; later chunks see the frames before them where the clip mode sees
     * zeros.
     */
    public StreamStep stream() {
        List<StreamState> specs = plan.streamStates();
        InputShape in = plan.architecture().input();
        Placeholder<TUint8> chunk = tf.withName(CHUNK_INPUT_OP).placeholder(TUint8.class, Placeholder.shape(
                Shape.of(-1, -1, in.height(), in.width(), in.channels())));
        Map<String, Placeholder<TFloat32>> states = new LinkedHashMap<>();
        Map<String, Operand<TFloat32>> next = new LinkedHashMap<>();
        for (StreamState spec : specs) {
            long[] shape = new long[spec.shape().length + 1];
            shape[0] = -1;
            System.arraycopy(spec.shape(), 0, shape, 1, spec.shape().length);
            states.put(spec.layer(), tf.withName(spec.input()).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(shape))));
        }
        Operand<TFloat32> x = normalise(chunk);
        boolean pooled = false;
        for (Layer layer : plan.architecture().layers()) {
            if (pooled) {
                x = apply(layer, x, false);
            } else if (layer instanceof CausalConv3D c) {
                Operand<TFloat32> withPast = x;
                if (c.kernelT() > 1) {
                    StreamState spec = spec(specs, c.name());
                    withPast = tf.concat(List.of(states.get(c.name()), x), tf.constant(1));
                    next.put(c.name(), lastSteps(withPast, 5, c.kernelT() - 1, spec.output()));
                }
                Operand<TFloat32> padded = tf.pad(withPast, tf.constant(new int[][] {{0, 0}, {0, 0},
                        {c.kernelH() / 2, c.kernelH() / 2}, {c.kernelW() / 2, c.kernelW() / 2}, {0, 0}}), tf.constant(0f));
                x = causalConv(c, padded, false);
            } else if (layer instanceof WindowAveragePool w) {
                StreamState spec = spec(specs, w.name());
                Operand<TFloat32> features = tf.math.mean(x, tf.constant(new int[] {2, 3}));
                Operand<TFloat32> window = lastSteps(tf.concat(List.of(states.get(w.name()), features),
                        tf.constant(1)), 3, spec.shape()[0], spec.output());
                next.put(w.name(), window);
                x = tf.math.mean(window, tf.constant(1));
                pooled = true;
            } else {
                x = apply(layer, x, false);
            }
        }
        Operand<TFloat32> probabilities = tf.withName(STREAM_PROBABILITIES_OP).nn.softmax(x);
        return new StreamStep(chunk, specs, states, next, probabilities);
    }

    private static StreamState spec(List<StreamState> specs, String layer) {
        return specs.stream().filter(s -> s.layer().equals(layer)).findFirst().orElseThrow();
    }

    /** A stream mode's inputs and outputs, the states keyed by their layer's name (in layer order). */
    public record StreamStep(Placeholder<TUint8> chunk, List<StreamState> specs, Map<String, Placeholder<TFloat32>> states,
                             Map<String, Operand<TFloat32>> nextStates, Operand<TFloat32> probabilities) {
    }

    /**
     * Keypoints N×T×J×(x, y, score) to heatmaps N×T×H×W×J: each joint's Gaussian is separable, so a row factor
     * (N×T×H×1×J, times the joint's weight) and a column factor (N×T×1×W×J) are computed per joint and multiplied
     * by broadcasting. The weight is the score clipped to [0, 1], or 1 for a score of at least the layer's minScore
     * and 0 below; x and y are taken in [0, 1] of the map (pixel centres at
     * (i + 0.5) / size), so a joint outside the box fades out instead of being drawn on the border.
     */
    private Operand<TFloat32> heatmaps(PoseHeatmaps h, Operand<TFloat32> keypoints) {
        int frames = plan.architecture().input().frames();
        Operand<org.tensorflow.types.TInt32> size = tf.constant(new int[] {-1, frames, -1, 1});
        Operand<org.tensorflow.types.TInt32> jointsLast = tf.constant(new int[] {-1, frames, 1, 1, h.joints()});
        Operand<TFloat32> x = tf.reshape(tf.slice(keypoints, tf.constant(new int[] {0, 0, 0, 0}), size), jointsLast);
        Operand<TFloat32> y = tf.reshape(tf.slice(keypoints, tf.constant(new int[] {0, 0, 0, 1}), size), jointsLast);
        Operand<TFloat32> rawScore = tf.reshape(tf.slice(keypoints, tf.constant(new int[] {0, 0, 0, 2}), size),
                jointsLast);
        Operand<TFloat32> score = h.minScore() > 0
                ? tf.dtypes.cast(tf.math.greaterEqual(rawScore, tf.constant((float) h.minScore())), TFloat32.class)
                : tf.clipByValue(rawScore, tf.constant(0f), tf.constant(1f));
        float[] columns = new float[h.width()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = (i + 0.5f) / h.width();
        }
        float[] rows = new float[h.height()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i + 0.5f) / h.height();
        }
        Operand<TFloat32> gridX = tf.reshape(tf.constant(columns), tf.constant(new int[] {1, 1, 1, h.width(), 1}));
        Operand<TFloat32> gridY = tf.reshape(tf.constant(rows), tf.constant(new int[] {1, 1, h.height(), 1, 1}));
        float sigmaX = (float) (h.sigma() / h.width());
        float sigmaY = (float) (h.sigma() / h.height());
        Operand<TFloat32> columnFactor = tf.math.exp(tf.math.mul(tf.math.square(tf.math.sub(gridX, x)),
                tf.constant(-1f / (2 * sigmaX * sigmaX))));
        Operand<TFloat32> rowFactor = tf.math.mul(tf.math.exp(tf.math.mul(tf.math.square(tf.math.sub(gridY, y)),
                tf.constant(-1f / (2 * sigmaY * sigmaY)))), score);
        return tf.math.mul(rowFactor, columnFactor);
    }

    /**
     * Batch normalisation over batch, time and space per channel: batch statistics while training (and the
     * moving averages updated by {@link #trainingUpdates()}), the moving averages at inference.
     */
    private Operand<TFloat32> batchNorm(String layer, Operand<TFloat32> x, boolean training) {
        Variable<TFloat32> movingMean = variables.get(layer + "/moving_mean");
        Variable<TFloat32> movingVariance = variables.get(layer + "/moving_variance");
        Operand<TFloat32> mean;
        Operand<TFloat32> variance;
        Operand<TFloat32> centered;
        if (training) {
            Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {0, 1, 2, 3});
            mean = tf.math.mean(x, axes);
            centered = tf.math.sub(x, mean);
            variance = tf.math.mean(tf.math.square(centered), axes);
            Operand<TFloat32> keep = tf.constant(BATCH_NORM_MOMENTUM);
            Operand<TFloat32> take = tf.constant(1 - BATCH_NORM_MOMENTUM);
            trainingUpdates.add(tf.assign(movingMean,
                    tf.math.add(tf.math.mul(movingMean, keep), tf.math.mul(tf.stopGradient(mean), take))));
            trainingUpdates.add(tf.assign(movingVariance,
                    tf.math.add(tf.math.mul(movingVariance, keep), tf.math.mul(tf.stopGradient(variance), take))));
        } else {
            centered = tf.math.sub(x, movingMean);
            variance = movingVariance;
            if (withStatistics) {
                Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {0, 1, 2, 3});
                Operand<TFloat32> batchMean = tf.math.mean(x, axes);
                batchStatistics.add(new BatchStatistics(layer, batchMean,
                        tf.math.mean(tf.math.square(tf.math.sub(x, batchMean)), axes)));
            }
        }
        Operand<TFloat32> normalised = tf.math.mul(centered, tf.math.rsqrt(tf.math.add(variance, tf.constant(BATCH_NORM_EPSILON))));
        return tf.math.add(tf.math.mul(normalised, variables.get(layer + "/gamma")), variables.get(layer + "/beta"));
    }

    /** The moving-statistics updates a training step must run (built by {@code logits(true)}). */
    public List<Operand<TFloat32>> trainingUpdates() {
        return List.copyOf(trainingUpdates);
    }

    /**
     * One batch-norm layer's per-channel statistics of its input for the batch being fed, in the inference graph
     * (earlier layers normalised by their stored statistics): what a re-estimation after training averages over
     * many batches, layer after layer.
     */
    public record BatchStatistics(String layer, Operand<TFloat32> mean, Operand<TFloat32> variance) {
        public String movingMean() {
            return layer + "/moving_mean";
        }

        public String movingVariance() {
            return layer + "/moving_variance";
        }
    }

    /**
     * The input statistics of every batch-norm layer, in layer order (built by {@code logits(false)} after
     * {@link #withBatchStatistics()}; empty without batch norm).
     */
    public List<BatchStatistics> batchStatistics() {
        return List.copyOf(batchStatistics);
    }

    /** Sets every weight from {@code weights} (name → values in row-major order of its shape). */
    public void assign(Session session, Map<String, float[]> weights) {
        Session.Runner runner = session.runner();
        java.util.List<TFloat32> tensors = new java.util.ArrayList<>();
        try {
            for (VariableSpec spec : plan.variables()) {
                float[] values = weights.get(spec.name());
                if (values == null || values.length != spec.size()) {
                    throw new IllegalArgumentException("Weights for " + spec.name() + " missing or of the wrong size");
                }
                TFloat32 tensor = TFloat32.tensorOf(Shape.of(spec.shape()), t -> t.asRawTensor().data().asFloats().write(values));
                tensors.add(tensor);
                runner.feed(initialValues.get(spec.name()), tensor).addTarget(assigns.get(spec.name()));
            }
            runner.run().close();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /** Reads every weight back from {@code session}. */
    public Map<String, float[]> read(Session session) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        Session.Runner runner = session.runner();
        List<VariableSpec> specs = plan.variables();
        specs.forEach(spec -> runner.fetch(variables.get(spec.name())));
        try (var result = runner.run()) {
            for (int i = 0; i < specs.size(); i++) {
                float[] values = new float[specs.get(i).size()];
                ((TFloat32) result.get(i)).asRawTensor().data().asFloats().read(values);
                weights.put(specs.get(i).name(), values);
            }
        }
        return weights;
    }
}

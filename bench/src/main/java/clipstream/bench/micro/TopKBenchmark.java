package clipstream.bench.micro;

import clipstream.model.runtime.ClipClassifier;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH benchmark of the classifier's top-k selection ({@link ClipClassifier#bestFirst}) on one clip's class
 * probabilities, per clip. Run it through {@link MicroBenchmarks} ({@code ./clipstream bench topk}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopKBenchmark {
    // Many different clips, cycled through: one clip's scores over and over would let the branch predictor learn
    // its exact order, which a stream of clips does not allow.
    private static final int CLIPS = 1024;

    /** Labels of the model: 10 for the small demo models, 101 for a UCF101-sized one. */
    @Param({"10", "101"})
    public int classes;

    /** Labels kept per clip. */
    @Param({"3", "5"})
    public int k;

    private float[] probabilities;
    private int[] order;
    private int clip;

    @Setup
    public void setUp() {
        probabilities = softmaxRows(CLIPS, classes, new Random(classes * 31L + k));
        order = new int[k];
    }

    /** Selects the k best classes of the next clip, as {@code ClipClassifier.classify} does for each clip. */
    @Benchmark
    public int bestFirst() {
        int offset = clip * classes;
        clip = clip + 1 == CLIPS ? 0 : clip + 1;
        int ranked = ClipClassifier.bestFirst(probabilities, offset, classes, order);
        return ranked + order[0];
    }

    /** Rows of softmax probabilities over Gaussian logits: a few likely classes, a long tail, like a model's output. */
    static float[] softmaxRows(int rows, int classes, Random random) {
        float[] values = new float[rows * classes];
        for (int row = 0; row < rows; row++) {
            double sum = 0;
            double[] exp = new double[classes];
            for (int c = 0; c < classes; c++) {
                exp[c] = Math.exp(2 * random.nextGaussian());
                sum += exp[c];
            }
            for (int c = 0; c < classes; c++) {
                values[row * classes + c] = (float) (exp[c] / sum);
            }
        }
        return values;
    }
}

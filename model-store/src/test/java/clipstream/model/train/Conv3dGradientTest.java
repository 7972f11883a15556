package clipstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.runtime.TensorFlowNatives;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

class Conv3dGradientTest {
    private static final long[] INPUT = {2, 4, 5, 5, 2};
    private static final long[] FILTER = {3, 3, 3, 2, 3};

    @BeforeAll
    static void engine() {
        TensorFlowNatives.engine();
        Conv3dGradient.register();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SAME", "VALID"})
    void customGradientMatchesFiniteDifferences(String padding) {
        SplittableRandom random = new SplittableRandom(3);
        double[] x = random.doubles(size(INPUT), -1, 1).toArray();
        double[] w = random.doubles(size(FILTER), -1, 1).toArray();
        double[] weights = random.doubles(1000, -1, 1).toArray();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat64> input = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(INPUT)));
            Placeholder<TFloat64> filter = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(FILTER)));
            Operand<TFloat64> conv = tf.nn.conv3d(input, filter, List.of(1L, 1L, 1L, 1L, 1L), padding);
            // a loss that weights every output differently, so a transposed or shifted gradient cannot pass
            Operand<TFloat64> weighted = tf.math.mul(conv, tf.reshape(
                    tf.slice(tf.constant(weights), tf.constant(new int[] {0}), tf.reshape(tf.size(conv), tf.constant(new int[] {1}))),
                    tf.shape(conv)));
            Operand<TFloat64> loss = tf.sum(weighted, tf.constant(new int[] {0, 1, 2, 3, 4}));
            Output<?>[] grads = graph.addGradients(loss.asOutput(), new Output<?>[] {input.asOutput(), filter.asOutput()});
            try (Session session = new Session(graph)) {
                double[] dx = new double[x.length];
                double[] dw = new double[w.length];
                try (TFloat64 xt = tensor(INPUT, x); TFloat64 wt = tensor(FILTER, w);
                     Result r = session.runner().feed(input, xt).feed(filter, wt).fetch(grads[0]).fetch(grads[1]).run()) {
                    ((TFloat64) r.get(0)).asRawTensor().data().asDoubles().read(dx);
                    ((TFloat64) r.get(1)).asRawTensor().data().asDoubles().read(dw);
                }
                for (int i = 0; i < x.length; i += 7) {
                    assertThat(dx[i]).as("d loss / d input[%d]", i)
                            .isCloseTo(numeric(session, input, filter, loss, x, w, i, true), org.assertj.core.data.Offset.offset(1e-6));
                }
                for (int i = 0; i < w.length; i += 5) {
                    assertThat(dw[i]).as("d loss / d filter[%d]", i)
                            .isCloseTo(numeric(session, input, filter, loss, x, w, i, false), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    private static double numeric(Session session, Placeholder<TFloat64> input, Placeholder<TFloat64> filter,
                                  Operand<TFloat64> loss, double[] x, double[] w, int index, boolean ofInput) {
        double h = 1e-5;
        double[] target = ofInput ? x : w;
        double saved = target[index];
        target[index] = saved + h;
        double plus = eval(session, input, filter, loss, x, w);
        target[index] = saved - h;
        double minus = eval(session, input, filter, loss, x, w);
        target[index] = saved;
        return (plus - minus) / (2 * h);
    }

    private static double eval(Session session, Placeholder<TFloat64> input, Placeholder<TFloat64> filter,
                               Operand<TFloat64> loss, double[] x, double[] w) {
        try (TFloat64 xt = tensor(INPUT, x); TFloat64 wt = tensor(FILTER, w);
             Result r = session.runner().feed(input, xt).feed(filter, wt).fetch(loss).run()) {
            return ((TFloat64) r.get(0)).getDouble();
        }
    }

    private static TFloat64 tensor(long[] shape, double[] values) {
        return TFloat64.tensorOf(Shape.of(shape), t -> t.asRawTensor().data().asDoubles().write(values));
    }

    private static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }
}

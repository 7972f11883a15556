package clipstream.model.bench;

import clipstream.model.train.Trainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The measured float32 peak of this machine under TensorFlow: GFLOP/s of square MatMuls over a few sizes and
 * intra-op thread counts, the best of them reported with its settings (beside {@link PhysicalPeak}, the computed one).
 */
final class MatMulPeak {
    /** One measured MatMul: {@code size}³, {@code threads} intra-op threads. */
    record Point(int size, int threads, double gflops) {
    }

    /** Every point measured; {@link #best()} is the measured peak. */
    record Sweep(List<Point> points) {
        Point best() {
            return points.stream().max(Comparator.comparingDouble(Point::gflops)).orElseThrow();
        }
    }

    private MatMulPeak() {
    }

    /** Measures every size at every thread count, each for about {@code secondsPerPoint} (at least two products). */
    static Sweep sweep(List<Integer> sizes, List<Integer> threads, double secondsPerPoint) {
        List<Point> points = new ArrayList<>();
        for (int size : sizes) {
            for (int t : threads) {
                points.add(new Point(size, t, gflops(size, t, secondsPerPoint)));
            }
        }
        return new Sweep(List.copyOf(points));
    }

    static double gflops(int size, int threads, double seconds) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            SplittableRandom random = new SplittableRandom(1);
            float[] values = new float[size * size];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-1, 1);
            }
            // fed, not a constant: Grappler would fold a constant product away and report absurd speeds
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(size, size)));
            Operand<TFloat32> product = tf.linalg.matMul(a, a);
            Operand<TFloat32> sum = tf.sum(product, tf.constant(new int[] {0, 1}));
            try (Session session = new Session(graph, Trainer.sessionConfig(threads));
                 TFloat32 input = TFloat32.tensorOf(Shape.of(size, size), t -> t.asRawTensor().data().asFloats().write(values))) {
                session.runner().feed(a, input).fetch(sum).run().close(); // warm-up
                long start = System.nanoTime();
                long deadline = start + (long) (seconds * 1e9);
                int repeats = 0;
                do {
                    try (Result r = session.runner().feed(a, input).fetch(sum).run()) {
                        r.get(0);
                    }
                    repeats++;
                } while (System.nanoTime() < deadline || repeats < 2);
                double elapsed = (System.nanoTime() - start) / 1e9;
                return 2.0 * size * size * (double) size * repeats / elapsed / 1e9;
            }
        }
    }
}

package clipstream.model.bench;

import clipstream.model.train.Trainer;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The practical float32 peak of this machine under TensorFlow: GFLOP/s of a large square MatMul. */
final class MatMulPeak {
    private MatMulPeak() {
    }

    static double gflops(int size, int repeats, int threads) {
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
                for (int i = 0; i < repeats; i++) {
                    try (Result r = session.runner().feed(a, input).fetch(sum).run()) {
                        r.get(0);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return 2.0 * size * size * (double) size * repeats / seconds / 1e9;
            }
        }
    }
}

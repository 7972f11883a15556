package clipstream.model.train;

import clipstream.model.data.TrainingData;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Turns dataset labels into the tensors a training step feeds, and logits into predictions. */
final class ClipBatches {
    private ClipBatches() {
    }

    static TFloat32 oneHot(TrainingData data, int[] indices, int from, int to, int classes) {
        float[] values = new float[(to - from) * classes];
        for (int i = from; i < to; i++) {
            values[(i - from) * classes + data.labels()[indices[i]]] = 1f;
        }
        return TFloat32.tensorOf(Shape.of(to - from, classes), t -> t.asRawTensor().data().asFloats().write(values));
    }

    static int argMax(float[] logits, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (logits[row * classes + c] > logits[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}

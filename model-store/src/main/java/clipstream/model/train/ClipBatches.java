package clipstream.model.train;

import clipstream.model.data.ClipDataset;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** Turns dataset clips and labels into the tensors a training or evaluation step feeds. */
final class ClipBatches {
    private ClipBatches() {
    }

    static TUint8 clips(ClipDataset data, int[] indices, int from, int to) {
        int clipBytes = data.clipBytes();
        Shape shape = Shape.of(to - from, data.frames(), data.height(), data.width(), 3);
        return TUint8.tensorOf(shape, t -> {
            ByteDataBuffer buffer = t.asRawTensor().data();
            for (int i = from; i < to; i++) {
                buffer.offset((long) (i - from) * clipBytes).write(data.clips()[indices[i]]);
            }
        });
    }

    static TFloat32 oneHot(ClipDataset data, int[] indices, int from, int to, int classes) {
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

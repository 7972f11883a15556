package clipstream.model.data;

import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.types.TUint8;

/**
 * Labelled clips in memory: each clip is {@code frames × height × width × 3} RGB bytes, frame-major,
 * exactly what {@code ClipClassifier.classify} takes.
 */
public record ClipDataset(List<String> labelNames, int frames, int height, int width, byte[][] clips, int[] labels)
        implements TrainingData {

    public ClipDataset {
        if (clips.length != labels.length) {
            throw new IllegalArgumentException(clips.length + " clips but " + labels.length + " labels");
        }
        int expected = frames * height * width * 3;
        for (int i = 0; i < clips.length; i++) {
            if (clips[i].length != expected) {
                throw new IllegalArgumentException("clip " + i + " has " + clips[i].length + " bytes, expected "
                        + frames + "x" + height + "x" + width + "x3 = " + expected);
            }
        }
    }

    @Override
    public int size() {
        return clips.length;
    }

    /** uint8 clips N×T×H×W×3. */
    @Override
    public Tensor batch(int[] indices, int from, int to) {
        int clipBytes = clipBytes();
        Shape shape = Shape.of(to - from, frames, height, width, 3);
        return TUint8.tensorOf(shape, t -> {
            ByteDataBuffer buffer = t.asRawTensor().data();
            for (int i = from; i < to; i++) {
                buffer.offset((long) (i - from) * clipBytes).write(clips[indices[i]]);
            }
        });
    }

    public int clipBytes() {
        return frames * height * width * 3;
    }

    /** A seeded split: the first part holds {@code 1 - heldOut} of the clips, the second the rest. */
    public Split split(double heldOut, long seed) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int testCount = (int) Math.round(size() * heldOut);
        return new Split(subset(order, testCount, size()), subset(order, 0, testCount));
    }

    private ClipDataset subset(int[] order, int from, int to) {
        byte[][] c = new byte[to - from][];
        int[] l = new int[to - from];
        for (int i = from; i < to; i++) {
            c[i - from] = clips[order[i]];
            l[i - from] = labels[order[i]];
        }
        return new ClipDataset(labelNames, frames, height, width, c, l);
    }

    /** Training and held-out parts of a dataset. */
    public record Split(ClipDataset train, ClipDataset test) {
    }
}

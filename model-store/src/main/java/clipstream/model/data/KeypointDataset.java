package clipstream.model.data;

import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Labelled keypoint clips in memory, what a pose-based action model ({@code posec3d-small}) trains on: each clip is
 * {@code frames × joints × 3} floats (x and y in [0, 1] of the person's clip box, then the score), frame-major, as
 * {@link clipstream.model.pose.KeypointClips#normalise} makes them from a track's keypoints.
 */
public record KeypointDataset(List<String> labelNames, int frames, int joints, float[][] clips, int[] labels)
        implements TrainingData {

    public KeypointDataset {
        labelNames = List.copyOf(labelNames);
        if (clips.length != labels.length) {
            throw new IllegalArgumentException(clips.length + " clips but " + labels.length + " labels");
        }
        int expected = frames * joints * 3;
        for (int i = 0; i < clips.length; i++) {
            if (clips[i].length != expected) {
                throw new IllegalArgumentException("clip " + i + " has " + clips[i].length + " values, expected "
                        + frames + "x" + joints + "x3 = " + expected);
            }
            if (labels[i] < 0 || labels[i] >= labelNames.size()) {
                throw new IllegalArgumentException("clip " + i + " has label " + labels[i] + " of "
                        + labelNames.size());
            }
        }
    }

    @Override
    public int size() {
        return clips.length;
    }

    public int clipValues() {
        return frames * joints * 3;
    }

    @Override
    public Tensor batch(int[] indices, int from, int to) {
        int values = clipValues();
        return TFloat32.tensorOf(Shape.of(to - from, frames, joints, 3), t -> {
            FloatDataBuffer buffer = t.asRawTensor().data().asFloats();
            for (int i = from; i < to; i++) {
                buffer.offset((long) (i - from) * values).write(clips[indices[i]]);
            }
        });
    }

    /**
     * The same clips with the frames of each one put in a random order (seeded; the keypoints of a frame stay
     * together): what a model that uses time cannot classify as well. The time-shuffled ablation.
     */
    public KeypointDataset timeShuffled(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int frameValues = joints * 3;
        float[][] shuffled = new float[clips.length][];
        for (int c = 0; c < clips.length; c++) {
            int[] order = new int[frames];
            for (int t = 0; t < frames; t++) {
                order[t] = t;
            }
            for (int t = frames - 1; t > 0; t--) {
                int j = random.nextInt(t + 1);
                int swap = order[t];
                order[t] = order[j];
                order[j] = swap;
            }
            float[] out = new float[clips[c].length];
            for (int t = 0; t < frames; t++) {
                System.arraycopy(clips[c], order[t] * frameValues, out, t * frameValues, frameValues);
            }
            shuffled[c] = out;
        }
        return new KeypointDataset(labelNames, frames, joints, shuffled, labels);
    }
}

package clipstream.model.data;

import java.util.List;
import org.tensorflow.Tensor;

/**
 * Labelled examples a network of the zoo trains on: RGB clips ({@link ClipDataset}) or keypoint clips
 * ({@link KeypointDataset}). The trainer sees only this: sizes, labels and input tensors of batches.
 */
public interface TrainingData {

    List<String> labelNames();

    int size();

    /** The label (an index into {@link #labelNames()}) of every example. */
    int[] labels();

    /**
     * The input tensor of examples {@code indices[from]} … {@code indices[to - 1]}, stacked in that order along a
     * first (batch) dimension, as the network's input placeholder takes them. The caller closes it.
     */
    Tensor batch(int[] indices, int from, int to);
}

package clipstream.job.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What the stream inference operator needs from a stream model: open it on a task manager, run a batch of chunks
 * (one per camera, each with its camera's state), close it. Serializable so it travels with the job graph;
 * {@link StoreStreamClassifier} is the production one.
 */
public interface StreamBatchClassifier extends Serializable {

    /** Loads the model; called in the operator's {@code open()}. */
    Session open() throws Exception;

    /** A chunk's labels (of the clip that ends with the chunk's last frame) and its camera's next state. */
    record Step(ClipScores scores, float[] nextState) {
    }

    /** An opened stream model. Used from one task thread. */
    interface Session extends AutoCloseable {

        String modelName();

        String modelVersion();

        /** Frames a chunk must hold a multiple of. */
        int chunkMultiple();

        /** Floats of one camera's state; a new stream starts from zeros. */
        int stateFloats();

        /**
         * Runs each chunk (frames×height×width×3 bytes, uint8 RGB, all of one length) with its camera's state; one
         * step per chunk, in order. No camera appears twice.
         */
        List<Step> step(List<byte[]> chunks, List<float[]> states, int topK) throws Exception;

        @Override
        void close() throws Exception;
    }
}

package clipstream.job.inference;

import java.io.Serializable;
import java.util.List;

/**
 * What the inference operator needs from a model: open it on a task manager, classify a batch of clips,
 * close it. Serializable so it travels with the job graph; {@link StoreClassifier} is the production one
 * (the model store through {@code SharedClassifiers}).
 */
public interface ClipBatchClassifier extends Serializable {

    /** Loads (or leases) the model; called in the operator's {@code open()}. */
    Session open() throws Exception;

    /** An opened model. Used from one task thread; closed in the operator's {@code close()}. */
    interface Session extends AutoCloseable {

        String modelName();

        String modelVersion();

        /**
         * Classifies each clip (frames×height×width×3 bytes, uint8 RGB, [t][y][x][c]); one result per clip, in
         * order, each with the {@code topK} most likely labels, best first.
         */
        List<ClipScores> classify(List<byte[]> clips, int topK) throws Exception;

        @Override
        void close() throws Exception;
    }
}

package clipstream.model.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which model to serve and how: the store folder, model name, version (null: the store's CURRENT), device
 * ({@code cpu}, {@code gpu} or {@code gpu:N}) and TensorFlow's intra-/inter-op thread counts.
 */
public record ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                                int interOpThreads) {

    public ClassifierOptions {
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(modelName, "modelName");
        device = device == null ? "cpu" : device;
        DeviceSpec.parse(device);
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("TensorFlow thread counts must be >= 1, got intra-op " + intraOpThreads
                    + ", inter-op " + interOpThreads);
        }
    }

    /** CPU defaults: every core for intra-op work, one inter-op thread (the networks are chains). */
    public static ClassifierOptions cpu(Path storeRoot, String modelName) {
        return new ClassifierOptions(storeRoot, modelName, null, "cpu", Runtime.getRuntime().availableProcessors(), 1);
    }
}

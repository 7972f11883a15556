package clipstream.model.runtime;

import java.nio.file.Path;
import java.util.Objects;
import org.tensorflow.proto.ConfigProto;

/**
 * Which model to serve and how: the store folder, model name, version (null: the store's CURRENT), device
 * ({@code cpu}, {@code gpu} or {@code gpu:N}) and TensorFlow's intra-/inter-op thread counts.
 *
 * <p>{@code threadSpinning}: whether TensorFlow's idle pool threads spin-wait for work before they sleep. Off by
 * default: clipstream's model shares its cores with Kafka and Flink, and a pool thread that spins while its
 * sibling is descheduled burns the CPU the rest of the pipeline (and that sibling) needs; measured in the pipeline
 * benchmark, see {@code docs/benchmarks.md}. Worth turning on only where TensorFlow has its cores to itself.
 */
public record ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                                int interOpThreads, boolean threadSpinning) {

    /** Options with TensorFlow's thread spinning off (the default). */
    public ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                             int interOpThreads) {
        this(storeRoot, modelName, version, device, intraOpThreads, interOpThreads, false);
    }

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

    /** These options for another model or version of the same store, on the same device and thread pools. */
    public ClassifierOptions withModel(String name, String newVersion) {
        return new ClassifierOptions(storeRoot, name, newVersion, device, intraOpThreads, interOpThreads,
                threadSpinning);
    }

    /** TensorFlow's session settings: thread pools, spinning, strict device placement (no silent CPU fallback). */
    public ConfigProto sessionConfig() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setAllowSoftPlacement(false)
                .setExperimental(ConfigProto.Experimental.newBuilder().setDisableThreadSpinning(!threadSpinning))
                .build();
    }
}

package clipstream.model.runtime;

import java.nio.file.Path;
import java.util.Objects;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Which model to serve and how: the store folder, model name, version (null: the store's CURRENT), device
 * ({@code cpu}, {@code gpu} or {@code gpu:N}) and TensorFlow's intra-/inter-op thread counts.
 *
 * <p>{@code threadSpinning}: whether TensorFlow's idle pool threads spin-wait for work before they sleep. Off by
 * default: clipstream's model shares its cores with Kafka and Flink, and a pool thread that spins while its
 * sibling is descheduled burns the CPU the rest of the pipeline (and that sibling) needs; measured in the pipeline
 * benchmark, see {@code docs/benchmarks.md}. Worth turning on only where TensorFlow has its cores to itself.
 *
 * <p>{@code precision}: float32 (the default) or bfloat16 through oneDNN's mixed-precision rewrite ({@link Precision}).
 */
public record ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                                int interOpThreads, boolean threadSpinning, Precision precision) {

    /** Options computing in float32 (the default). */
    public ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                             int interOpThreads, boolean threadSpinning) {
        this(storeRoot, modelName, version, device, intraOpThreads, interOpThreads, threadSpinning, Precision.FP32);
    }

    /** Options with TensorFlow's thread spinning off (the default). */
    public ClassifierOptions(Path storeRoot, String modelName, String version, String device, int intraOpThreads,
                             int interOpThreads) {
        this(storeRoot, modelName, version, device, intraOpThreads, interOpThreads, false, Precision.FP32);
    }

    public ClassifierOptions {
        Objects.requireNonNull(storeRoot, "storeRoot");
        Objects.requireNonNull(modelName, "modelName");
        device = device == null ? "cpu" : device;
        precision = precision == null ? Precision.FP32 : precision;
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
                threadSpinning, precision);
    }

    /** These options computing in {@code newPrecision}. */
    public ClassifierOptions withPrecision(Precision newPrecision) {
        return new ClassifierOptions(storeRoot, modelName, version, device, intraOpThreads, interOpThreads,
                threadSpinning, newPrecision);
    }

    /**
     * TensorFlow's session settings: thread pools, spinning, strict device placement (no silent CPU fallback), and for
     * {@link Precision#BF16} the oneDNN bfloat16 mixed-precision graph rewrite.
     */
    public ConfigProto sessionConfig() {
        ConfigProto.Builder config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setAllowSoftPlacement(false)
                .setExperimental(ConfigProto.Experimental.newBuilder().setDisableThreadSpinning(!threadSpinning));
        if (precision == Precision.BF16) {
            config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
                    .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
        }
        return config.build();
    }
}

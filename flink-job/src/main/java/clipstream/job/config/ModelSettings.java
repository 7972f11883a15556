package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;
import static clipstream.job.config.ConfigException.requireText;

import clipstream.model.runtime.Precision;
import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Which model classifies the clips and where it runs: the store folder, model name, version (null: the
 * store's CURRENT), device ({@code cpu}, {@code gpu} or {@code gpu:N}), TensorFlow thread pools and how many
 * labels each event keeps. Thread counts of 0 mean: intra-op, the task manager's cores; inter-op, one (the
 * networks are chains of layers).
 *
 * <p>{@code currentWatch}: how often a running job re-reads the store's {@code CURRENT} and switches to the
 * version it names (loaded, checksum-verified, same input shape, one test clip classified; a version that fails
 * any of these is refused and the serving one stays). {@link Duration#ZERO}: the version is fixed for the job's
 * life (always so when a version is pinned with {@code --model-version}).
 *
 * <p>{@code threadSpinning}: whether TensorFlow's idle pool threads spin-wait before sleeping (off by default: the
 * model shares the task manager's cores with Kafka clients and Flink; see {@code ClassifierOptions}).
 *
 * <p>{@code precision}: float32 (the default) or bfloat16 through oneDNN's mixed-precision rewrite ({@link Precision}).
 */
public record ModelSettings(
        String storeRoot,
        String name,
        String version,
        String device,
        int intraOpThreads,
        int interOpThreads,
        int topK,
        Duration currentWatch,
        boolean threadSpinning,
        Precision precision) implements Serializable {

    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(:\\d+)?");

    /** Settings computing in float32 (the default). */
    public ModelSettings(String storeRoot, String name, String version, String device, int intraOpThreads,
                         int interOpThreads, int topK, Duration currentWatch, boolean threadSpinning) {
        this(storeRoot, name, version, device, intraOpThreads, interOpThreads, topK, currentWatch, threadSpinning,
                Precision.FP32);
    }

    /** Settings with TensorFlow's thread spinning off (the default). */
    public ModelSettings(String storeRoot, String name, String version, String device, int intraOpThreads,
                         int interOpThreads, int topK, Duration currentWatch) {
        this(storeRoot, name, version, device, intraOpThreads, interOpThreads, topK, currentWatch, false);
    }

    /** Settings that serve one version for the job's whole life (no watch of {@code CURRENT}). */
    public ModelSettings(String storeRoot, String name, String version, String device, int intraOpThreads,
                         int interOpThreads, int topK) {
        this(storeRoot, name, version, device, intraOpThreads, interOpThreads, topK, Duration.ZERO);
    }

    /**
     * These settings with the version to start from pinned (CURRENT resolved once, so every task starts on the
     * same version); a watch of {@code CURRENT} stays as it was.
     */
    public ModelSettings withVersion(String pinned) {
        return new ModelSettings(storeRoot, name, pinned, device, intraOpThreads, interOpThreads, topK, currentWatch,
                threadSpinning, precision);
    }

    /** Whether a running job follows the store's {@code CURRENT}. */
    public boolean followsCurrent() {
        return !currentWatch.isZero();
    }

    public ModelSettings {
        requireText(storeRoot, "--model-store");
        requireText(name, "--model");
        require(version == null || !version.isBlank(), "--model-version must not be empty (leave it out for CURRENT)");
        require(device != null && DEVICE.matcher(device).matches(),
                "--device must be cpu, gpu or gpu:N, got '" + device + "'");
        require(intraOpThreads >= 0, "--intra-op-threads must be 0 (all cores) or more, got " + intraOpThreads);
        require(interOpThreads >= 0, "--inter-op-threads must be 0 (one) or more, got " + interOpThreads);
        require(topK >= 1, "--top-k must be at least 1, got " + topK);
        require(precision != null, "--precision must be fp32 or bf16");
        require(currentWatch != null && !currentWatch.isNegative(),
                "--model-watch must be 0 (off) or a positive duration, got " + currentWatch);
    }
}

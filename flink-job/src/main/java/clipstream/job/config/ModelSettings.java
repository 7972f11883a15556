package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;
import static clipstream.job.config.ConfigException.requireText;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * Which model classifies the clips and where it runs: the store folder, model name, version (null: the
 * store's CURRENT), device ({@code cpu}, {@code gpu} or {@code gpu:N}), TensorFlow thread pools and how many
 * labels each event keeps. Thread counts of 0 mean: intra-op, the task manager's cores; inter-op, one (the
 * networks are chains of layers).
 */
public record ModelSettings(
        String storeRoot,
        String name,
        String version,
        String device,
        int intraOpThreads,
        int interOpThreads,
        int topK) implements Serializable {

    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(:\\d+)?");

    /** These settings with the version pinned (e.g. CURRENT resolved once, so every task serves the same). */
    public ModelSettings withVersion(String pinned) {
        return new ModelSettings(storeRoot, name, pinned, device, intraOpThreads, interOpThreads, topK);
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
    }
}

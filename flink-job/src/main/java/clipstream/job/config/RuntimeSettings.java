package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;

/**
 * How Flink runs the job: parallelism (0: the environment's default), checkpoint interval and, optionally,
 * where checkpoints are kept (a URI; null: the cluster's configured storage, and a temporary folder for the
 * in-process mode — see {@code ClipstreamJob.checkpointStorage}).
 */
public record RuntimeSettings(int parallelism, Duration checkpointInterval, String checkpointDir)
        implements Serializable {

    public RuntimeSettings {
        require(parallelism >= 0, "--parallelism must be 0 (default) or more, got " + parallelism);
        require(checkpointInterval != null && checkpointInterval.toMillis() >= 10,
                "--checkpoint-interval must be at least 10ms, got " + checkpointInterval);
        require(checkpointDir == null || !checkpointDir.isBlank(), "--checkpoint-dir must not be empty");
    }
}

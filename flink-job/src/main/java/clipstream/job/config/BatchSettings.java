package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;

/** How clips are batched for the model: a batch runs at {@code size} clips or {@code timeout} after its first. */
public record BatchSettings(int size, Duration timeout) implements Serializable {

    public BatchSettings {
        require(size >= 1 && size <= 1024, "--batch-size must be between 1 and 1024, got " + size);
        require(timeout != null && !timeout.isNegative() && !timeout.isZero(),
                "--batch-timeout-ms must be positive, got " + timeout);
    }
}

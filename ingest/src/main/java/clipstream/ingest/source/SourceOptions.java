package clipstream.ingest.source;

import clipstream.common.retry.Backoff;
import java.time.Duration;

/**
 * How a camera's source is opened: output size, the rate of sources that have none of their own (synthetic
 * cameras, image folders), whether recordings loop, the first synthetic frame, whether a synthetic camera
 * behaves as a live one, reconnect backoff and the network read timeout of live streams.
 */
public record SourceOptions(int width, int height, double generatedFps, boolean loop, long firstSyntheticIndex,
                            boolean syntheticIsLive, Backoff reconnect, Duration readTimeout) {

    public SourceOptions {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Output size must be positive, got " + width + "x" + height);
        }
        if (!(generatedFps > 0)) {
            throw new IllegalArgumentException("Frame rate must be positive, got " + generatedFps);
        }
    }
}

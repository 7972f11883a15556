package clipstream.local.demo;

import clipstream.ingest.source.SourceSpec;
import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoOpenException;

/**
 * The frame rate a camera's frames reach the frames topic at, as far as it can be known before they flow: a video
 * file's own rate (its container's), at most the demo's {@code --fps} (ingest resamples faster footage down to it);
 * an image folder plays at {@code --fps}. Live streams and files over the network are not probed (that could hang on
 * a stalled server): their rate is unknown.
 */
final class FootageRate {
    private FootageRate() {
    }

    /** Frames per second on the topic, or 0 when not known. */
    static double of(SourceSpec source, double fps) {
        double own = 0;
        if (source instanceof SourceSpec.ImageFolder) {
            own = fps;
        } else if (source instanceof SourceSpec.Recording recording && recording.format() == null
                && !recording.overNetwork()) {
            own = fileRate(recording.location());
        }
        return own > 0 ? Math.min(own, fps) : 0;
    }

    private static double fileRate(String location) {
        try (VideoDecoder decoder = VideoDecoder.open(location)) {
            return decoder.frameRate();
        } catch (VideoOpenException e) {
            return 0; // the camera itself then fails with the reason
        }
    }
}

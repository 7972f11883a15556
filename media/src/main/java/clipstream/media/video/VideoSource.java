package clipstream.media.video;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link VideoDecoder} opens: a file path or FFmpeg URL ({@code rtsp://}, {@code http://}, {@code tcp://} ...),
 * or a {@code lavfi} filter graph such as {@code testsrc=size=112x112:rate=25:duration=2}, with the output size
 * wanted from the grabber's scaler and extra FFmpeg demuxer/protocol options.
 *
 * @param location file, URL or filter graph
 * @param format FFmpeg input format to force ({@code lavfi}, {@code mjpeg}, ...), or null to probe
 * @param width output width (scaled by FFmpeg), empty for the stream's own
 * @param height output height (scaled by FFmpeg), empty for the stream's own
 * @param options FFmpeg options such as {@code rw_timeout} (microseconds) or {@code rtsp_transport}
 */
public record VideoSource(String location, String format, OptionalInt width, OptionalInt height,
                          Map<String, String> options) {

    public VideoSource {
        Objects.requireNonNull(location, "location");
        if (width.isPresent() != height.isPresent()) {
            throw new IllegalArgumentException("Give both output width and height, or neither");
        }
        if (width.isPresent() && (width.getAsInt() < 1 || height.getAsInt() < 1)) {
            throw new IllegalArgumentException("Output size must be positive, got " + width.getAsInt() + "x"
                    + height.getAsInt());
        }
        options = Map.copyOf(options);
    }

    /** A file or URL at its own size, format probed. */
    public static VideoSource of(String location) {
        return new VideoSource(location, null, OptionalInt.empty(), OptionalInt.empty(), Map.of());
    }

    /** An FFmpeg {@code lavfi} test source, e.g. {@code testsrc=size=112x112:rate=25:duration=2}. */
    public static VideoSource lavfi(String filterGraph) {
        return new VideoSource(filterGraph, "lavfi", OptionalInt.empty(), OptionalInt.empty(), Map.of());
    }

    /** The same source scaled to {@code width x height} by FFmpeg. */
    public VideoSource scaledTo(int width, int height) {
        return new VideoSource(location, format, OptionalInt.of(width), OptionalInt.of(height), options);
    }

    /** The same source with one more FFmpeg option. */
    public VideoSource withOption(String key, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(options);
        more.put(key, value);
        return new VideoSource(location, format, width, height, more);
    }

    /** How error messages name it: the location, prefixed by a forced format. */
    public String describe() {
        return format == null ? location : format + ":" + location;
    }
}

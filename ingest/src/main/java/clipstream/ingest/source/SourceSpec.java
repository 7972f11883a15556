package clipstream.ingest.source;

import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SyntheticCamera;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code --camera ID=SOURCE} points at, parsed from SOURCE.
 *
 * <ul>
 *   <li>{@code synthetic:<class|random>[?seed=N&segment=N]}: the motion-actions generator ({@link Synthetic});
 *   <li>{@code rtsp://}, {@code http(s)://}, {@code tcp://}, {@code udp://}, {@code srt://}, {@code rtmp://} ...:
 *       a live FFmpeg stream, reconnected when it drops ({@link LiveStream}); an http(s) URL whose path ends in a
 *       video file extension is a recording instead;
 *   <li>{@code lavfi:<graph>}: an FFmpeg generated test source, e.g. {@code lavfi:testsrc=size=320x240:rate=25};
 *   <li>an existing directory: a folder of images, in file-name order ({@link ImageFolder});
 *   <li>anything else: a video file ({@link Recording}).
 * </ul>
 */
public sealed interface SourceSpec {
    Pattern URL = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://.+");
    Set<String> VIDEO_FILE_EXTENSIONS = Set.of("mp4", "m4v", "mkv", "webm", "avi", "mov", "mpg", "mpeg", "ts",
            "flv", "wmv", "ogv", "3gp");

    /** How error messages and summaries name the source. */
    String describe();

    /** A video file or a URL of a recording; {@code format} forces an FFmpeg input format (null: probe). */
    record Recording(String location, String format) implements SourceSpec {
        @Override
        public String describe() {
            return format == null ? location : format + ":" + location;
        }

        /** Whether it is read over the network (an http(s) URL of a file), so that a stalled server can hang it. */
        public boolean overNetwork() {
            return format == null && URL.matcher(location).matches();
        }
    }

    /** A live stream URL (rtsp, http, tcp, ...): wall-clock capture times, reconnect with backoff when it drops. */
    record LiveStream(String url) implements SourceSpec {
        @Override
        public String describe() {
            return url;
        }
    }

    /** A folder of still images played as a video, one image per frame in file-name order. */
    record ImageFolder(Path folder) implements SourceSpec {
        @Override
        public String describe() {
            return folder.toString();
        }
    }

    /**
     * The motion-actions generator: frame {@code seq} shows {@code SyntheticCamera#actionAt(seq)} for this seed
     * and segment length, so consumers know the ground truth.
     */
    record Synthetic(Optional<MotionAction> action, long seed, int segmentFrames) implements SourceSpec {
        public Synthetic {
            if (segmentFrames < 1) {
                throw new IllegalArgumentException("synthetic segment must be at least 1 frame, got " + segmentFrames);
            }
        }

        @Override
        public String describe() {
            return "synthetic:" + action.map(MotionAction::label).orElse("random") + "?seed=" + seed
                    + "&segment=" + segmentFrames;
        }
    }

    /** Frames per action segment of a synthetic camera unless {@code segment=} says otherwise: two 32-frame clips. */
    int DEFAULT_SEGMENT_FRAMES = 64;

    /**
     * Parses SOURCE for camera {@code cameraId} (whose name seeds a synthetic camera unless {@code seed=} is given).
     *
     * @throws IllegalArgumentException with a message naming SOURCE when it cannot be a source
     */
    static SourceSpec parse(String source, String cameraId) {
        String text = source.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("Empty source for camera '" + cameraId + "'");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("synthetic:")) {
            return parseSynthetic(text.substring("synthetic:".length()), cameraId);
        }
        if (lower.startsWith("lavfi:")) {
            return new Recording(text.substring("lavfi:".length()), "lavfi");
        }
        var url = URL.matcher(text);
        if (url.matches()) {
            String scheme = url.group(1).toLowerCase(Locale.ROOT);
            if (scheme.equals("file")) {
                return new Recording(Path.of(java.net.URI.create(text)).toString(), null);
            }
            if ((scheme.equals("http") || scheme.equals("https")) && looksLikeVideoFile(text)) {
                return new Recording(text, null);
            }
            return new LiveStream(text);
        }
        Path path = Path.of(text);
        if (Files.isDirectory(path)) {
            return new ImageFolder(path);
        }
        return new Recording(text, null);
    }

    private static boolean looksLikeVideoFile(String url) {
        String path = java.net.URI.create(url).getPath();
        if (path == null) {
            return false;
        }
        int dot = path.lastIndexOf('.');
        return dot > path.lastIndexOf('/') && VIDEO_FILE_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static Synthetic parseSynthetic(String spec, String cameraId) {
        int query = spec.indexOf('?');
        String actionText = query < 0 ? spec : spec.substring(0, query);
        Map<String, String> params = new HashMap<>();
        if (query >= 0) {
            for (String pair : spec.substring(query + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || !(kv[0].equals("seed") || kv[0].equals("segment"))) {
                    throw new IllegalArgumentException("Bad synthetic option '" + pair + "' for camera '" + cameraId
                            + "': expected synthetic:<class|random>[?seed=N&segment=N]");
                }
                params.put(kv[0], kv[1]);
            }
        }
        if (actionText.isBlank()) {
            throw new IllegalArgumentException("synthetic source of camera '" + cameraId
                    + "' needs an action: synthetic:<class|random>, classes " + MotionAction.labels());
        }
        Optional<MotionAction> action = SyntheticCamera.parseAction(actionText);
        try {
            long seed = params.containsKey("seed") ? Long.parseLong(params.get("seed")) : cameraId.hashCode();
            int segment = params.containsKey("segment") ? Integer.parseInt(params.get("segment"))
                    : DEFAULT_SEGMENT_FRAMES;
            return new Synthetic(action, seed, segment);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic seed and segment of camera '" + cameraId
                    + "' must be integers, got " + params, e);
        }
    }
}

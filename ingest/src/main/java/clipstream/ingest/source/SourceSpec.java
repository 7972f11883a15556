package clipstream.ingest.source;

import clipstream.media.people.PeopleScene;
import clipstream.media.people.PersonAction;
import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SyntheticCamera;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code --camera ID=SOURCE} points at, parsed from SOURCE.
 *
 * <ul>
 *   <li>{@code synthetic:<class|random>[?seed=N&segment=N]}: the motion-actions generator ({@link Synthetic});
 *   <li>{@code synthetic-people:<action|random>[?people=N&seed=N&segment=N&size=WxH&fps=F]}: people moving in front
 *       of an edge device that runs pose estimation itself ({@link SyntheticPeople}): poses, not frames;
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

    /**
     * People moving continuously in front of an edge device that runs pose estimation itself: the camera publishes
     * {@code PersonPoses} records (to the edge poses topic), not frames. Frame {@code seq} holds
     * {@code PeopleScene#frame(seq)} of the scene these settings make ({@link #scene}), so consumers know who is where
     * doing what ({@code PeopleScene#personAt}, {@code actionAt}, {@code laneOf}). {@code fps} empty: ingest's rate
     * for generated sources ({@code --fps}, 25 without it).
     */
    record SyntheticPeople(Optional<PersonAction> action, int people, long seed, int segmentFrames, int width,
                           int height, OptionalDouble fps) implements SourceSpec {
        public SyntheticPeople {
            if (people < 1 || people > PeopleScene.MAX_PEOPLE) {
                throw new IllegalArgumentException("synthetic-people needs people=1-" + PeopleScene.MAX_PEOPLE
                        + ", got " + people);
            }
            if (segmentFrames < 1) {
                throw new IllegalArgumentException("synthetic-people segment must be at least 1 frame, got "
                        + segmentFrames);
            }
            if (width / people < 32 || height < 32 || width > 8192 || height > 8192) {
                throw new IllegalArgumentException("synthetic-people size " + width + "x" + height + " leaves "
                        + people + " people less than 32x32 pixels each (or is above 8192 a side)");
            }
            if (fps.isPresent() && !(fps.getAsDouble() > 0)) {
                throw new IllegalArgumentException("synthetic-people fps must be positive, got " + fps.getAsDouble());
            }
        }

        /** The scene these settings make, at {@code defaultFps} unless {@code fps=} was given. */
        public PeopleScene scene(double defaultFps) {
            return new PeopleScene(people, width, height, fps.orElse(defaultFps), segmentFrames, action, seed);
        }

        @Override
        public String describe() {
            return "synthetic-people:" + action.map(PersonAction::label).orElse("random") + "?people=" + people
                    + "&seed=" + seed + "&segment=" + segmentFrames + "&size=" + width + "x" + height
                    + (fps.isPresent() ? "&fps=" + fps.getAsDouble() : "");
        }
    }

    /** Frames per action segment of a synthetic camera unless {@code segment=} says otherwise: two 32-frame clips. */
    int DEFAULT_SEGMENT_FRAMES = 64;
    /** People of a synthetic-people camera unless {@code people=} says otherwise. */
    int DEFAULT_PEOPLE = 2;
    /** Frames per action of a synthetic-people camera unless {@code segment=} says otherwise: one 32-frame clip. */
    int DEFAULT_PEOPLE_SEGMENT_FRAMES = 32;
    /** Frame size of a synthetic-people camera unless {@code size=} says otherwise: VGA, as pose training clips. */
    int DEFAULT_PEOPLE_WIDTH = 640;
    int DEFAULT_PEOPLE_HEIGHT = 480;

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
        if (lower.startsWith("synthetic-people:")) {
            return parseSyntheticPeople(text.substring("synthetic-people:".length()), cameraId);
        }
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

    private static SyntheticPeople parseSyntheticPeople(String spec, String cameraId) {
        String usage = "synthetic-people:<action|random>[?people=N&seed=N&segment=N&size=WxH&fps=F]";
        int query = spec.indexOf('?');
        String actionText = query < 0 ? spec : spec.substring(0, query);
        Map<String, String> params = new HashMap<>();
        if (query >= 0) {
            for (String pair : spec.substring(query + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || !Set.of("people", "seed", "segment", "size", "fps").contains(kv[0])) {
                    throw new IllegalArgumentException("Bad synthetic-people option '" + pair + "' for camera '"
                            + cameraId + "': expected " + usage);
                }
                params.put(kv[0], kv[1]);
            }
        }
        if (actionText.isBlank()) {
            throw new IllegalArgumentException("synthetic-people source of camera '" + cameraId + "' needs an action: "
                    + usage + ", actions " + PersonAction.labels());
        }
        Optional<PersonAction> action = actionText.strip().equalsIgnoreCase("random") ? Optional.empty()
                : Optional.of(PersonAction.fromLabel(actionText));
        try {
            int people = params.containsKey("people") ? Integer.parseInt(params.get("people")) : DEFAULT_PEOPLE;
            long seed = params.containsKey("seed") ? Long.parseLong(params.get("seed")) : cameraId.hashCode();
            int segment = params.containsKey("segment") ? Integer.parseInt(params.get("segment"))
                    : DEFAULT_PEOPLE_SEGMENT_FRAMES;
            int width = DEFAULT_PEOPLE_WIDTH;
            int height = DEFAULT_PEOPLE_HEIGHT;
            if (params.containsKey("size")) {
                String[] wh = params.get("size").toLowerCase(Locale.ROOT).split("x");
                if (wh.length != 2) {
                    throw new IllegalArgumentException("synthetic-people size of camera '" + cameraId
                            + "' must be WxH, e.g. 640x480; got '" + params.get("size") + "'");
                }
                width = Integer.parseInt(wh[0].strip());
                height = Integer.parseInt(wh[1].strip());
            }
            OptionalDouble fps = params.containsKey("fps") ? OptionalDouble.of(Double.parseDouble(params.get("fps")))
                    : OptionalDouble.empty();
            return new SyntheticPeople(action, people, seed, segment, width, height, fps);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("synthetic-people people, seed, segment, size and fps of camera '"
                    + cameraId + "' must be numbers, got " + params, e);
        }
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

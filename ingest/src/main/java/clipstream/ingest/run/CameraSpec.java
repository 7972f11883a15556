package clipstream.ingest.run;

import clipstream.ingest.source.SourceSpec;
import java.util.regex.Pattern;

/** One camera: its id (the Kafka key and {@code camera_id}) and where its frames come from. */
public record CameraSpec(String id, SourceSpec source) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public CameraSpec {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Camera id '" + id + "' must be 1-128 characters of [A-Za-z0-9._:-]");
        }
    }

    /** Fails when two cameras share an id: ids key the frames in Kafka. */
    public static void requireUniqueIds(java.util.List<CameraSpec> cameras) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (CameraSpec camera : cameras) {
            if (!ids.add(camera.id())) {
                throw new IllegalArgumentException("Camera id '" + camera.id() + "' is given twice: ids key the"
                        + " frames in Kafka and must be unique");
            }
        }
    }

    /** Parses {@code ID=SOURCE} as given to {@code --camera}. */
    public static CameraSpec parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--camera takes ID=SOURCE (e.g. cam1=rtsp://host/stream,"
                    + " cam2=video.mp4, cam3=synthetic:random), got '" + text + "'");
        }
        String id = text.substring(0, eq).strip();
        return new CameraSpec(id, SourceSpec.parse(text.substring(eq + 1), id));
    }
}

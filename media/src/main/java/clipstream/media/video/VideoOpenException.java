package clipstream.media.video;

import java.io.IOException;

/** A video source that could not be opened (missing file, unreachable URL, unknown format); the message names it. */
public final class VideoOpenException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;

    public VideoOpenException(String source, String message, Throwable cause) {
        super("Cannot open video source '" + source + "': " + message, cause);
        this.source = source;
    }

    /** The file, URL or lavfi graph that failed. */
    public String source() {
        return source;
    }
}

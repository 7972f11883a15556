package clipstream.ingest.source;

import java.io.IOException;

/** A camera's source could not be opened or read; the message names the source and what to check. */
public final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

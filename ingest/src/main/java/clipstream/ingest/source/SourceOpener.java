package clipstream.ingest.source;

import java.io.IOException;

/** Opens (or re-opens) one source: how looping and reconnecting start over. */
@FunctionalInterface
public interface SourceOpener {
    CameraSource open() throws IOException;
}

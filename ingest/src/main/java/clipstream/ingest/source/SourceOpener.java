package clipstream.ingest.source;

import java.io.IOException;

/** Opens (or re-opens) one source: how looping and reconnecting start over. */
@FunctionalInterface
public interface SourceOpener {
    FrameSource open() throws IOException;
}

package clipstream.ingest.source;

import clipstream.common.retry.Backoff;
import clipstream.ingest.pacing.StopSignal;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live stream that survives drops: when the stream ends or fails it is reopened after an exponential backoff,
 * until it comes back, the backoff gives up, or the camera is stopped. A live stream has no normal end, but a
 * server that closes it (a camera rebooting, a relay rotating its streams) is not an error either: such ends are
 * counted and logged apart from drops. The first open is not retried: a source that cannot be opened at all is a
 * configuration error and fails the camera at once.
 */
final class ReconnectingSource implements CameraSource {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingSource.class);

    private final String name;
    private final SourceOpener opener;
    private final Backoff backoff;
    private final StopSignal stop;
    private CameraSource current;
    private volatile long reconnects;
    private volatile long streamEnds;
    private volatile long streamDrops;

    ReconnectingSource(String name, SourceOpener opener, Backoff backoff, StopSignal stop) throws IOException {
        this.name = name;
        this.opener = opener;
        this.backoff = backoff;
        this.stop = stop;
        this.current = opener.open();
    }

    @Override
    public CapturedFrame next() throws IOException {
        while (!stop.raised()) {
            if (current != null) {
                try {
                    CapturedFrame frame = current.next();
                    if (frame != null) {
                        return frame;
                    }
                    streamEnds++;
                    log.info("Live source {}: stream ended; reconnecting", name);
                } catch (IOException e) {
                    streamDrops++;
                    log.warn("Live source {} dropped ({}); reconnecting", name, e.getMessage());
                }
                current.close();
                current = null;
            }
            current = reopen();
        }
        return null;
    }

    /** Reopens with backoff; null when stopped meanwhile. */
    private CameraSource reopen() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (stop.await(backoff.delay(attempt))) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while reconnecting to " + name);
            }
            try {
                CameraSource reopened = opener.open();
                reconnects++;
                log.info("Live source {} reconnected after {} attempt(s)", name, attempt);
                return reopened;
            } catch (IOException e) {
                if (backoff.givesUpAfter(attempt)) {
                    throw new SourceException("Live source " + name + " did not come back after " + attempt
                            + " reconnect attempts: " + e.getMessage(), e);
                }
                log.warn("Reconnect attempt {} to {} failed: {}", attempt, name, e.getMessage());
            }
        }
    }

    @Override
    public TimeBase timeBase() {
        return TimeBase.WALL_CLOCK;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public long reconnects() {
        return reconnects;
    }

    @Override
    public long streamEnds() {
        return streamEnds;
    }

    @Override
    public long streamDrops() {
        return streamDrops;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}

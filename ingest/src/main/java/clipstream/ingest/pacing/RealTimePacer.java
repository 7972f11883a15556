package clipstream.ingest.pacing;

import java.time.Duration;

/**
 * Holds each frame of a recording back until its media time, measured from the first frame, has passed on the
 * wall clock. A pacer that falls behind (slow decoding) does not try to catch up by bursting: it just never waits.
 */
public final class RealTimePacer {
    private final StopSignal stop;
    private long firstMediaMicros = Long.MIN_VALUE;
    private long startNanos;

    public RealTimePacer(StopSignal stop) {
        this.stop = stop;
    }

    /**
     * Waits until the frame at {@code mediaMicros} is due.
     *
     * @return false if the camera was asked to stop while waiting
     */
    public boolean awaitDue(long mediaMicros) throws InterruptedException {
        if (firstMediaMicros == Long.MIN_VALUE) {
            firstMediaMicros = mediaMicros;
            startNanos = System.nanoTime();
            return !stop.raised();
        }
        long dueNanos = startNanos + (mediaMicros - firstMediaMicros) * 1_000;
        return !stop.await(Duration.ofNanos(dueNanos - System.nanoTime()));
    }
}

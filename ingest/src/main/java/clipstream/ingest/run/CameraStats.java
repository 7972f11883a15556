package clipstream.ingest.run;

import clipstream.ingest.source.CameraSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** Live counters of one camera, written by its camera and publisher threads and Kafka's callbacks, read by anyone. */
public final class CameraStats {
    private final String cameraId;
    private final String source;
    final AtomicLong captured = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failedSends = new AtomicLong();
    final AtomicLong ackedBytes = new AtomicLong();
    final AtomicLong encoded = new AtomicLong();
    final AtomicLong encodeNanos = new AtomicLong();
    final AtomicLong firstSeq = new AtomicLong(-1);
    final AtomicLong lastSeq = new AtomicLong(-1);
    private final AtomicReference<CameraState> state = new AtomicReference<>(CameraState.STARTING);
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile long startNanos = System.nanoTime();
    private volatile long endNanos;
    private volatile long dropped;
    private volatile LongSupplier liveDropped;
    private volatile long reconnects;
    private volatile long streamEnds;
    private volatile long streamDrops;

    CameraStats(String cameraId, String source) {
        this.cameraId = cameraId;
        this.source = source;
    }

    public String cameraId() {
        return cameraId;
    }

    public String source() {
        return source;
    }

    /** Frames read from the source (before frame-rate resampling). */
    public long captured() {
        return captured.get();
    }

    /** Frames given a seq and handed to the publisher. */
    public long published() {
        return published.get();
    }

    /** Frames refused by the size guard. */
    public long refused() {
        return refused.get();
    }

    /** Frames dropped from a full buffer (live sources). */
    public long dropped() {
        LongSupplier live = liveDropped;
        return live != null ? live.getAsLong() : dropped;
    }

    /** Frames given to the producer. */
    public long sent() {
        return sent.get();
    }

    /** Frames the broker acknowledged (acks=all). */
    public long acked() {
        return acked.get();
    }

    public long failedSends() {
        return failedSends.get();
    }

    /** Serialized value bytes acknowledged. */
    public long ackedBytes() {
        return ackedBytes.get();
    }

    /** Frames whose pixels were encoded (RGB24 copied or JPEG compressed). */
    public long encoded() {
        return encoded.get();
    }

    /** Time spent encoding those frames, in nanoseconds. */
    public long encodeNanos() {
        return encodeNanos.get();
    }

    /** Times a live source reconnected, after its stream ended or dropped. */
    public long reconnects() {
        return reconnects;
    }

    /** Times a live source's stream ended normally (its server closed it). */
    public long streamEnds() {
        return streamEnds;
    }

    /** Times a live source's stream dropped (an error, or nothing for the read timeout). */
    public long streamDrops() {
        return streamDrops;
    }

    public long firstSeq() {
        return firstSeq.get();
    }

    public long lastSeq() {
        return lastSeq.get();
    }

    public CameraState state() {
        return state.get();
    }

    /** Why the camera failed; null unless {@link #state()} is FAILED. */
    public String failure() {
        return failure.get();
    }

    /** Seconds since the camera started, frozen when it ended. */
    public double seconds() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return (end - startNanos) / 1e9;
    }

    void started() {
        startNanos = System.nanoTime();
        state.set(CameraState.RUNNING);
    }

    void seq(long seq) {
        firstSeq.compareAndSet(-1, seq);
        lastSeq.set(seq);
    }

    /** Records the first failure; later ones add nothing (the first is the cause). */
    void fail(String message) {
        failure.compareAndSet(null, message);
        state.set(CameraState.FAILED);
    }

    /** Ends the camera as COMPLETED or STOPPED unless it already failed. */
    void end(CameraState finalState) {
        state.getAndUpdate(current -> current == CameraState.FAILED ? current : finalState);
        endNanos = System.nanoTime();
    }

    void encodedIn(long nanos) {
        encoded.incrementAndGet();
        encodeNanos.addAndGet(nanos);
    }

    void dropped(long count) {
        dropped = count;
    }

    /** Reads the dropped count from {@code buffer} while the camera runs (when asked, not per frame). */
    void droppedCountedBy(LongSupplier buffer) {
        liveDropped = buffer;
    }

    /** Takes the source's counts of reconnects, ends and drops. */
    void interruptions(CameraSource source) {
        reconnects = source.reconnects();
        streamEnds = source.streamEnds();
        streamDrops = source.streamDrops();
    }
}

package clipstream.ingest.pacing;

/**
 * Resamples a stream to a target frame rate by its frame times: keeps the first frame of every
 * {@code 1/fps} slot, so a 30 fps source at 25 fps drops one frame in six and a 50 fps source keeps every
 * other one. A source slower than the target is passed through (frames are never duplicated).
 */
public final class FrameRateSampler {
    private final double slotsPerMicro;
    private long firstMicros;
    private long lastSlot = Long.MIN_VALUE;

    public FrameRateSampler(double fps) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("Target fps must be positive, got " + fps);
        }
        this.slotsPerMicro = fps / 1e6;
    }

    /** Whether the frame at {@code timeMicros} is kept. Times must not go backwards. */
    public boolean keep(long timeMicros) {
        if (lastSlot == Long.MIN_VALUE) {
            firstMicros = timeMicros;
            lastSlot = 0;
            return true;
        }
        // the small epsilon keeps exact multiples (40 000 µs at 25 fps) in their own slot despite rounding
        long slot = (long) Math.floor((timeMicros - firstMicros) * slotsPerMicro + 1e-6);
        if (slot > lastSlot) {
            lastSlot = slot;
            return true;
        }
        return false;
    }
}

package clipstream.media.people;

import java.util.SplittableRandom;

/** When a timed movement (sitting down, a fall, a jump) happens within the clip it was drawn for. */
final class ClipTiming {
    private ClipTiming() {
    }

    /**
     * A duration drawn from [min, max] but no longer than {@code share} of the clip, so a short clip still holds the
     * whole movement (done faster).
     */
    static double fitted(SplittableRandom random, double min, double max, double clipSeconds, double share) {
        return Math.min(random.nextDouble(min, max), share * clipSeconds);
    }

    /** A start time that lets something of {@code duration} finish within the clip. */
    static double onset(SplittableRandom random, double duration, double clipSeconds) {
        double latest = clipSeconds - duration - 0.05;
        return latest <= 0 ? 0 : random.nextDouble(0, latest);
    }
}

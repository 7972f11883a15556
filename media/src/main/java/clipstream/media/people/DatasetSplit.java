package clipstream.media.people;

import java.util.SplittableRandom;

/** Which part of a generated dataset a clip belongs to, decided by its seed alone so the parts never share a clip. */
public enum DatasetSplit {
    TRAIN, HELD_OUT;

    /** A salt so that the split is independent of the draws the seed makes for the clip itself. */
    private static final long SALT = 0x5851F42D4C957F2DL;

    /** The split of the clip with this seed when {@code heldOutFraction} of all seeds are held out. */
    public static DatasetSplit of(long seed, double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException("heldOutFraction must be within [0, 1], got " + heldOutFraction);
        }
        return new SplittableRandom(seed ^ SALT).nextDouble() < heldOutFraction ? HELD_OUT : TRAIN;
    }
}

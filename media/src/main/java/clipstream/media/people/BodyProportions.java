package clipstream.media.people;

import java.util.SplittableRandom;

/**
 * The segment lengths of one person, in metres. Means are fractions of stature from Drillis &amp; Contini (1966), as
 * tabulated in Winter, <i>Biomechanics and Motor Control of Human Movement</i>, ch. 4: ankle 0.039, knee 0.285,
 * hip 0.530, shoulder 0.818, eyes 0.936 of the height; biacromial breadth 0.259, upper arm 0.186, forearm 0.146.
 * {@code hipWidth} is the distance between the two hip keypoints: COCO annotators click between the hip joint centres
 * (about 0.10 of stature apart) and the trochanters (0.19), so 0.15. {@code neck} runs from the shoulder line to the
 * head's pivot; the head's own keypoints scale with the height.
 */
public record BodyProportions(double height, double ankleHeight, double shin, double thigh, double hipWidth,
                              double spine, double neck, double shoulderWidth, double upperArm, double forearm) {
    static final double ANKLE = 0.039;
    static final double SHIN = 0.246;
    static final double THIGH = 0.245;
    static final double HIPS = 0.15;
    static final double SPINE = 0.288;
    static final double NECK = 0.050;
    /** From the head's pivot to its top. */
    static final double HEAD = 0.132;
    static final double SHOULDERS = 0.259;
    static final double UPPER_ARM = 0.186;
    static final double FOREARM = 0.146;

    /** Adult stature: a mix of women and men (about 1.62 m and 1.76 m means), kept to 1.5–1.95 m. */
    static final double MEAN_HEIGHT = 1.70;
    static final double HEIGHT_SD = 0.09;
    static final double MIN_HEIGHT = 1.5;
    static final double MAX_HEIGHT = 1.95;

    public BodyProportions {
        double[] lengths = {height, ankleHeight, shin, thigh, hipWidth, spine, neck, shoulderWidth, upperArm, forearm};
        for (double length : lengths) {
            if (!(length > 0)) {
                throw new IllegalArgumentException("Body segment lengths must be positive, got " + length);
            }
        }
    }

    /** A person of this height with the mean proportions. */
    public static BodyProportions average(double height) {
        return new BodyProportions(height, ANKLE * height, SHIN * height, THIGH * height, HIPS * height,
                SPINE * height, NECK * height, SHOULDERS * height, UPPER_ARM * height, FOREARM * height);
    }

    /**
     * A random adult: stature from a truncated normal, then leg, trunk and arm lengths and the two breadths each
     * varied by a few percent (their spread between people of one stature); the vertical segments are rescaled so
     * the stature stays the one drawn.
     */
    public static BodyProportions sample(SplittableRandom random) {
        double height;
        do {
            height = MEAN_HEIGHT + HEIGHT_SD * random.nextGaussian();
        } while (height < MIN_HEIGHT || height > MAX_HEIGHT);
        double legs = factor(random, 0.03);
        double trunk = factor(random, 0.03);
        double arms = factor(random, 0.035);
        double shoulders = factor(random, 0.06);
        double hips = factor(random, 0.07);
        double shin = SHIN * legs;
        double thigh = THIGH * legs;
        double spine = SPINE * trunk;
        double stretch = (1 - ANKLE - HEAD) / (shin + thigh + spine + NECK);
        return new BodyProportions(height, ANKLE * height, shin * stretch * height, thigh * stretch * height,
                HIPS * hips * height, spine * stretch * height, NECK * stretch * height,
                SHOULDERS * shoulders * height, UPPER_ARM * arms * height, FOREARM * arms * height);
    }

    private static double factor(SplittableRandom random, double sd) {
        return 1 + sd * Math.max(-2.5, Math.min(2.5, random.nextGaussian()));
    }

    public double legLength() {
        return thigh + shin;
    }

    /** The hip keypoints' height when standing straight. */
    public double hipHeight() {
        return ankleHeight + legLength();
    }

    /** The shoulder keypoints' height when standing straight. */
    public double shoulderHeight() {
        return hipHeight() + spine;
    }
}

package clipstream.media.people;

/**
 * How a pose estimator's keypoints differ from the truth, for {@link SimulatedPoseEstimator}. The defaults are
 * starting points to be replaced by measurements of the real pose model (MoveNet MultiPose) on real footage; each
 * says where it comes from.
 *
 * @param jitterScale position error per frame, as a multiple of the joint's {@link Joint#cocoSigma()} times the
 *     person's image height. Default 0.3: COCO's σ is the annotators' spread per unit of √area, and a standing
 *     person's √area is about 0.45 of their height, so 0.45 would be an error as large as annotators' disagreement;
 *     0.3 guesses that one model on consecutive frames is more consistent than independent annotators (hips about
 *     3 %, wrists 2 % of the height). To be measured.
 * @param jitterCorrelation how much of one frame's error carries into the next (AR(1) coefficient). Default 0.6: a
 *     guess; consecutive frames look alike, so a single-frame model repeats its mistakes. To be measured.
 * @param visibleScore mean score of a joint the model sees. Default 0.7: a guess, to be measured.
 * @param scoreSpread standard deviation of those scores. Default 0.15: a guess, to be measured.
 * @param lowScore scores of lost joints are drawn from [0, lowScore]. Default 0.2: a guess, below the 0.3 that pose
 *     demos commonly draw from; to be measured.
 * @param dropoutRate chance per joint and frame that the model loses a joint in plain view, before the joint's
 *     {@link Joint#dropoutWeight()}. Default 0.03: a guess, to be measured.
 * @param hiddenDropoutFactor how many times more often a fully hidden joint is lost. Default 4: a guess, to be
 *     measured.
 * @param smallPersonPixels below this image height dropouts rise in inverse proportion. Default 80: a guess (a 640 px
 *     frame letterboxed into a 256 px input shows such a person 32 px tall to the model); to be measured.
 * @param dropoutDisplacement position error of a lost joint, as a fraction of the person's image height. Default
 *     0.1: a guess (a lost joint is often placed on a neighbouring limb); to be measured.
 * @param swapRate chance per frame that left and right are exchanged for the whole body. Default 0.01: a guess;
 *     left/right inversion is one of the main error types of pose estimators on COCO (Ronchi &amp; Perona, ICCV
 *     2017); to be measured.
 * @param missingFrameRate chance per frame that the person is not detected at all (every keypoint score 0). Default
 *     0.02: a guess, to be measured.
 * @param outOfFrameScore joints outside the frame are reported on its border with a score drawn from [0, this].
 *     Default 0.05: a guess, to be measured.
 */
public record KeypointNoise(double jitterScale, double jitterCorrelation, double visibleScore, double scoreSpread,
                            double lowScore, double dropoutRate, double hiddenDropoutFactor,
                            double smallPersonPixels, double dropoutDisplacement, double swapRate,
                            double missingFrameRate, double outOfFrameScore) {

    public static final KeypointNoise DEFAULTS =
            new KeypointNoise(0.3, 0.6, 0.7, 0.15, 0.2, 0.03, 4, 80, 0.1, 0.01, 0.02, 0.05);

    /** A perfect estimator: every joint exactly where it is with score 1, except those outside the frame (score 0). */
    public static final KeypointNoise NONE = new KeypointNoise(0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0);

    public KeypointNoise {
        requireRange("jitterScale", jitterScale, 0, 10);
        requireRange("jitterCorrelation", jitterCorrelation, 0, 0.999);
        requireRange("visibleScore", visibleScore, 0, 1);
        requireRange("scoreSpread", scoreSpread, 0, 1);
        requireRange("lowScore", lowScore, 0, 1);
        requireRange("dropoutRate", dropoutRate, 0, 1);
        requireRange("hiddenDropoutFactor", hiddenDropoutFactor, 1, 100);
        requireRange("smallPersonPixels", smallPersonPixels, 0, 10_000);
        requireRange("dropoutDisplacement", dropoutDisplacement, 0, 10);
        requireRange("swapRate", swapRate, 0, 1);
        requireRange("missingFrameRate", missingFrameRate, 0, 1);
        requireRange("outOfFrameScore", outOfFrameScore, 0, 1);
    }

    private static void requireRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException("keypoint noise " + name + " must be within [" + min + ", " + max
                    + "], got " + value);
        }
    }
}

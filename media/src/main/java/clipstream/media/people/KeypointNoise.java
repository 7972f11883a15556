package clipstream.media.people;

/**
 * How a pose estimator's keypoints differ from the truth, for {@link SimulatedPoseEstimator}. The defaults marked
 * "measured" come from the real pose model (MoveNet MultiPose, the store's {@code movenet-multipose}, input 384) on
 * real footage: PETS09-S2L1 view 1 ({@code vtest.avi} of Debian's {@code opencv-doc} 4.6.0, 768×576, a raised camera
 * over a campus path, 3–8 people 50–130 px tall, ≈7 frames/s), with {@code ./clipstream model pose-noise}
 * (model-store's README says how to fetch the footage); the others are guesses that footage cannot measure.
 *
 * @param jitterScale position error per frame, as a multiple of the joint's {@link Joint#cocoSigma()} times the
 *     person's image height. Default 0.15, measured: the median over joints of each joint's spread for a man 108 px
 *     tall standing still for 23 frames (0.139, 0.152 corrected for the stretch's length; 0.155 at input 512, 0.197
 *     at 256); his own sway counts, so it is an upper bound. Joints range from 0.05 (hips) to 0.4 (wrists).
 * @param jitterCorrelation how much of one frame's error carries into the next (AR(1) coefficient per pose frame).
 *     Default 0.75, measured: the same man's lag-1 autocorrelation, median over joints, 0.68 (corrected) between
 *     frames 1/7 s apart, taken to 10 pose frames/s as 0.68^(7/10) (the error fading with time, not with frames).
 * @param visibleScore mean score of a joint the model sees. Default 0.46, measured: the mean score of keypoints
 *     scored at least 0.2 (99.8 % of them) of 3,269 people found with a score of at least 0.2 (0.34 for wrists to
 *     0.55 for hips; 0.40 for people under 60 px, 0.48 over 100 px).
 * @param scoreSpread standard deviation of those scores. Default 0.10, measured (0.102).
 * @param lowScore scores of lost joints are drawn from [0, lowScore]. Default 0.2: not measurable there (0.16 % of
 *     keypoints score below 0.2 and they form no group of their own: a joint the model misplaces keeps an ordinary
 *     score).
 * @param dropoutRate chance per joint and frame that the model loses a joint in plain view, before the joint's
 *     {@link Joint#dropoutWeight()}. Default 0.001, measured: the share of keypoints below 0.2 divided by the joint's
 *     weight, median over joints (0.0009). Counting below 0.3 gives 0.021.
 * @param hiddenDropoutFactor how many times more often a fully hidden joint is lost. Default 4: a guess.
 * @param smallPersonPixels below this image height dropouts rise in inverse proportion. Default 80: a guess (on the
 *     footage, keypoints below 0.3 rise from 4.8 % at 100–120 px to 11.8 % under 60 px).
 * @param dropoutDisplacement position error of a lost joint, as a fraction of the person's image height. Default
 *     0.1: a guess (a lost joint is often placed on a neighbouring limb).
 * @param swapRate chance per frame that left and right are exchanged for the whole body. Default 0.01, measured:
 *     one-frame reversals of both shoulders' and hips' left/right order against the track's majority, 27 of 1,917
 *     sightings (0.014). Longer reversals of people seen side-on (runs of 3–4 frames, 18 % of sightings) are not
 *     modelled.
 * @param missingFrameRate chance per frame that the person is not detected at all (every keypoint score 0). Default
 *     0.10, measured: frames between a tracked person's first and last sighting in which the model did not find them
 *     (354 of 3,460; person score at least 0.2; occlusions count).
 * @param outOfFrameScore joints outside the frame are reported on its border with a score drawn from [0, this].
 *     Default 0.05: a guess (5 of 55,568 keypoints fell outside that footage).
 */
public record KeypointNoise(double jitterScale, double jitterCorrelation, double visibleScore, double scoreSpread,
                            double lowScore, double dropoutRate, double hiddenDropoutFactor,
                            double smallPersonPixels, double dropoutDisplacement, double swapRate,
                            double missingFrameRate, double outOfFrameScore) {

    public static final KeypointNoise DEFAULTS =
            new KeypointNoise(0.15, 0.75, 0.46, 0.10, 0.2, 0.001, 4, 80, 0.1, 0.01, 0.10, 0.05);

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

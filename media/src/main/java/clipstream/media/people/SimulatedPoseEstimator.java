package clipstream.media.people;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A stand-in for the pose model in training data: turns what a camera sees of a person ({@link PersonView}) into the
 * keypoints a pose estimator would report, with the errors of {@link KeypointNoise}: jitter scaled to the person's
 * image size and correlated over frames, lost joints (more of them when small, fast or hidden), whole-body left/right
 * swaps, missed frames, and joints outside the frame reported on its border with a score near 0.
 */
public final class SimulatedPoseEstimator {
    private final KeypointNoise noise;
    private final int width;
    private final int height;

    public SimulatedPoseEstimator(KeypointNoise noise, int width, int height) {
        this.noise = Objects.requireNonNull(noise, "noise");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /** Keypoints [frame][joint][x, y, score] for a person seen in consecutive frames. */
    public float[][][] estimate(List<PersonView> frames, SplittableRandom random) {
        float[][][] keypoints = new float[frames.size()][Joint.COUNT][3];
        double[][] error = new double[Joint.COUNT][2]; // in units of each joint's jitter, carried between frames
        for (double[] e : error) {
            e[0] = random.nextGaussian();
            e[1] = random.nextGaussian();
        }
        double carry = noise.jitterCorrelation();
        double fresh = Math.sqrt(1 - carry * carry);
        for (int t = 0; t < frames.size(); t++) {
            for (double[] e : error) {
                e[0] = carry * e[0] + fresh * random.nextGaussian();
                e[1] = carry * e[1] + fresh * random.nextGaussian();
            }
            if (random.nextDouble() < noise.missingFrameRate()) {
                continue; // not detected: all zeros, as for a frame with nobody in it
            }
            PersonView view = frames.get(t);
            for (Joint joint : Joint.values()) {
                estimateJoint(view, joint, error[joint.ordinal()], random, keypoints[t][joint.ordinal()]);
            }
            if (random.nextDouble() < noise.swapRate()) {
                swapSides(keypoints[t]);
            }
        }
        return keypoints;
    }

    private void estimateJoint(PersonView view, Joint joint, double[] error, SplittableRandom random, float[] out) {
        int i = joint.ordinal();
        double size = view.heightPixels();
        double sigma = noise.jitterScale() * joint.cocoSigma() * size;
        double x = view.u()[i] + sigma * error[0];
        double y = view.v()[i] + sigma * error[1];
        double score = Math.max(noise.lowScore(), Math.min(1,
                noise.visibleScore() + noise.scoreSpread() * random.nextGaussian()));
        double small = size >= noise.smallPersonPixels() || size <= 0 ? 1 : noise.smallPersonPixels() / size;
        double lost = noise.dropoutRate() * joint.dropoutWeight() * small
                * (1 + (noise.hiddenDropoutFactor() - 1) * view.hidden()[i]);
        if (view.depth()[i] <= 0 || random.nextDouble() < Math.min(0.95, lost)) {
            score = random.nextDouble() * noise.lowScore();
            x += noise.dropoutDisplacement() * size * random.nextGaussian();
            y += noise.dropoutDisplacement() * size * random.nextGaussian();
        }
        if (!view.inFrame(joint, width, height)) {
            score = random.nextDouble() * noise.outOfFrameScore();
        }
        out[0] = (float) clamp(x, width);
        out[1] = (float) clamp(y, height);
        out[2] = (float) score;
    }

    /** A pose model's output cannot leave its input: whatever lies outside is reported on the border. */
    private static double clamp(double value, int extent) {
        return Double.isFinite(value) ? Math.max(0, Math.min(extent - 1, value)) : 0;
    }

    private static void swapSides(float[][] keypoints) {
        for (Joint joint : Joint.values()) {
            if (joint.isOn(BodySide.LEFT)) {
                float[] left = keypoints[joint.ordinal()];
                keypoints[joint.ordinal()] = keypoints[joint.mirror().ordinal()];
                keypoints[joint.mirror().ordinal()] = left;
            }
        }
    }
}

package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatedPoseEstimatorTest {
    private static final int FRAMES = 3000;
    /** Only jitter: nothing lost, swapped or missed. */
    private static final KeypointNoise JITTER_ONLY =
            new KeypointNoise(0.3, 0.6, 0.7, 0.15, 0.2, 0, 4, 80, 0.1, 0, 0, 0.05);

    @Test
    void jitterGrowsInProportionToThePersonsImageHeight() {
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(JITTER_ONLY, 640, 480);
        double small = rmsError(estimator, 100, Joint.LEFT_HIP);
        double large = rmsError(estimator, 300, Joint.LEFT_HIP);

        assertThat(large / small).isCloseTo(3, within(0.3));
        // per axis the spread is jitterScale × COCO σ × height
        assertThat(small / Math.sqrt(2)).isCloseTo(0.3 * Joint.LEFT_HIP.cocoSigma() * 100, within(0.6));
        // hips are harder to place than eyes
        assertThat(rmsError(estimator, 300, Joint.LEFT_EYE)).isLessThan(0.4 * large);
    }

    @Test
    void lostJointsGetLowScoresAndSmallOrHiddenJointsAreLostMoreOften() {
        KeypointNoise noise = KeypointNoise.DEFAULTS;
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(
                new KeypointNoise(0.3, 0.6, 0.7, 0.15, 0.2, 0.03, 4, 80, 0.1, 0, 0, 0.05), 640, 480);
        float[][][] seen = estimator.estimate(frames(view(320, 240, 200, 0)), new SplittableRandom(1));
        float[][][] hidden = estimator.estimate(frames(view(320, 240, 200, 1)), new SplittableRandom(2));
        float[][][] tiny = estimator.estimate(frames(view(320, 240, 40, 0)), new SplittableRandom(3));

        double wrists = lostShare(seen, Joint.LEFT_WRIST, noise);
        double shoulders = lostShare(seen, Joint.LEFT_SHOULDER, noise);
        assertThat(wrists).isCloseTo(0.03 * 2.5, within(0.015));
        assertThat(wrists / shoulders).isGreaterThan(3);
        assertThat(lostShare(hidden, Joint.LEFT_WRIST, noise)).isCloseTo(4 * 0.03 * 2.5, within(0.04));
        assertThat(lostShare(tiny, Joint.LEFT_WRIST, noise)).isCloseTo(2 * 0.03 * 2.5, within(0.03));
        assertThat(meanScore(hidden)).isLessThan(meanScore(seen) - 0.05);
    }

    @Test
    void jointsOutsideTheFrameScoreNearZeroAndLieOnItsBorder() {
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(JITTER_ONLY, 640, 480);
        // a person standing at the left edge: their left half (image right) inside, right half outside
        double[] u = new double[Joint.COUNT];
        double[] v = new double[Joint.COUNT];
        for (Joint joint : Joint.values()) {
            u[joint.ordinal()] = joint.isOn(BodySide.RIGHT) ? -40 : 30;
            v[joint.ordinal()] = 100 + 15 * joint.ordinal();
        }
        PersonView view = new PersonView(u, v, filled(5), filled(0), 300);
        float[][][] keypoints = estimator.estimate(Collections.nCopies(200, view), new SplittableRandom(5));

        for (float[][] frame : keypoints) {
            for (Joint joint : Joint.values()) {
                float[] k = frame[joint.ordinal()];
                assertThat(k[0]).isBetween(0f, 639f);
                assertThat(k[1]).isBetween(0f, 479f);
                if (joint.isOn(BodySide.RIGHT)) {
                    assertThat(k[2]).isLessThanOrEqualTo(0.05f);
                } else {
                    assertThat(k[2]).isGreaterThanOrEqualTo(0.2f);
                }
            }
        }
    }

    @Test
    void aPerfectEstimatorReportsTheTruth() {
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(KeypointNoise.NONE, 640, 480);
        PersonView view = view(320.5, 200.25, 150, 0.7);

        float[][][] keypoints = estimator.estimate(List.of(view), new SplittableRandom(1));

        for (Joint joint : Joint.values()) {
            assertThat(keypoints[0][joint.ordinal()]).containsExactly((float) view.u()[joint.ordinal()],
                    (float) view.v()[joint.ordinal()], 1f);
        }
    }

    @Test
    void missedFramesReportNobodyAndSwapsExchangeLeftAndRight() {
        PersonView view = distinctJoints();
        float[][][] missed = new SimulatedPoseEstimator(new KeypointNoise(0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0), 640,
                480).estimate(List.of(view), new SplittableRandom(1));
        assertThat(missed[0]).isDeepEqualTo(new float[Joint.COUNT][3]);

        float[][][] swapped = new SimulatedPoseEstimator(new KeypointNoise(0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0), 640,
                480).estimate(List.of(view), new SplittableRandom(1));
        assertThat(swapped[0][Joint.LEFT_WRIST.ordinal()][0]).isEqualTo((float) view.u()[Joint.RIGHT_WRIST.ordinal()]);
        assertThat(swapped[0][Joint.RIGHT_EAR.ordinal()][1]).isEqualTo((float) view.v()[Joint.LEFT_EAR.ordinal()]);
        assertThat(swapped[0][Joint.NOSE.ordinal()][0]).isEqualTo((float) view.u()[Joint.NOSE.ordinal()]);
    }

    @Test
    void theSameSeedGivesTheSameKeypoints() {
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(KeypointNoise.DEFAULTS, 640, 480);
        List<PersonView> views = frames(distinctJoints());

        assertThat(estimator.estimate(views, new SplittableRandom(9)))
                .isDeepEqualTo(estimator.estimate(views, new SplittableRandom(9)));
    }

    private static double rmsError(SimulatedPoseEstimator estimator, double heightPixels, Joint joint) {
        PersonView view = view(320, 240, heightPixels, 0);
        float[][][] keypoints = estimator.estimate(frames(view), new SplittableRandom(7));
        double sum = 0;
        for (float[][] frame : keypoints) {
            double dx = frame[joint.ordinal()][0] - 320;
            double dy = frame[joint.ordinal()][1] - 240;
            sum += dx * dx + dy * dy;
        }
        return Math.sqrt(sum / keypoints.length);
    }

    private static double lostShare(float[][][] keypoints, Joint joint, KeypointNoise noise) {
        int lost = 0;
        for (float[][] frame : keypoints) {
            lost += frame[joint.ordinal()][2] < noise.lowScore() ? 1 : 0;
        }
        return lost / (double) keypoints.length;
    }

    private static double meanScore(float[][][] keypoints) {
        double sum = 0;
        for (float[][] frame : keypoints) {
            for (float[] k : frame) {
                sum += k[2];
            }
        }
        return sum / (keypoints.length * Joint.COUNT);
    }

    private static List<PersonView> frames(PersonView view) {
        return new ArrayList<>(Collections.nCopies(FRAMES, view));
    }

    private static PersonView view(double u, double v, double heightPixels, double hidden) {
        return new PersonView(filled(u), filled(v), filled(5), filled(hidden), heightPixels);
    }

    private static PersonView distinctJoints() {
        double[] u = new double[Joint.COUNT];
        double[] v = new double[Joint.COUNT];
        for (int i = 0; i < Joint.COUNT; i++) {
            u[i] = 200 + 10 * i;
            v[i] = 100 + 7 * i;
        }
        return new PersonView(u, v, filled(5), filled(0), 200);
    }

    private static double[] filled(double value) {
        double[] values = new double[Joint.COUNT];
        Arrays.fill(values, value);
        return values;
    }
}

package clipstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import clipstream.media.people.Joint;
import clipstream.media.people.KeypointNoise;
import clipstream.media.people.PersonView;
import clipstream.media.people.SimulatedPoseEstimator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pose-noise measurements recover what media's {@link SimulatedPoseEstimator} was told to do: people made with a
 * known {@link KeypointNoise} are measured and the measurement gives that noise back.
 */
class PoseNoiseStatisticsTest {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final float MIN_SCORE = 0.2f;
    /** A person facing the camera: per joint x from the body's middle and y from the top, as fractions of stature. */
    private static final double[][] FRONTAL = {
        {0, 0.07}, {0.02, 0.06}, {-0.02, 0.06}, {0.04, 0.065}, {-0.04, 0.065}, {0.11, 0.18}, {-0.11, 0.18},
        {0.14, 0.38}, {-0.14, 0.38}, {0.15, 0.52}, {-0.15, 0.52}, {0.06, 0.52}, {-0.06, 0.52}, {0.06, 0.72},
        {-0.06, 0.72}, {0.06, 0.95}, {-0.06, 0.95}};

    /** Only jitter: every joint seen, never lost, swapped or missed. */
    private static KeypointNoise jitter(double scale, double correlation) {
        return new KeypointNoise(scale, correlation, 0.7, 0.1, 0.2, 0, 1, 0, 0.1, 0, 0, 0.05);
    }

    @Test
    void aStillPersonsJitterScaleAndCorrelationAreRecovered() {
        KeypointNoise noise = jitter(0.3, 0.6);
        PersonView person = frontal(320, 100, 150);
        float[][][] keypoints = new SimulatedPoseEstimator(noise, WIDTH, HEIGHT)
                .estimate(Collections.nCopies(600, person), new SplittableRandom(11));
        double[] heights = filled(keypoints.length, person.heightPixels());

        StillPersonJitter still = StillPersonJitter.of(keypoints, heights, MIN_SCORE);

        assertThat(still.frames()).isEqualTo(600);
        assertThat(still.meanHeight()).isEqualTo(150);
        assertThat(still.jitterScale()).isCloseTo(0.3, within(0.3 * 0.2));
        assertThat(still.correctedJitterScale()).isCloseTo(0.3, within(0.3 * 0.2));
        assertThat(still.correlation()).isCloseTo(0.6, within(0.1));
        for (StillPersonJitter.JointJitter joint : still.joints()) {
            assertThat(joint.jitterScale()).as(joint.joint()).isCloseTo(0.3, within(0.3 * 0.25));
            assertThat(joint.relative()).as(joint.joint())
                    .isCloseTo(0.3 * Joint.valueOf(joint.joint().toUpperCase()).cocoSigma(), within(0.004));
        }
    }

    @Test
    void aShortStretchUnderestimatesAndTheCorrectionUndoesIt() {
        KeypointNoise noise = jitter(0.3, 0.6);
        PersonView person = frontal(320, 100, 150);
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(noise, WIDTH, HEIGHT);
        double raw = 0;
        double corrected = 0;
        double rawCorrelation = 0;
        double correctedCorrelation = 0;
        int stretches = 300;
        for (int s = 0; s < stretches; s++) {
            float[][][] keypoints = estimator.estimate(Collections.nCopies(23, person), new SplittableRandom(s));
            StillPersonJitter still = StillPersonJitter.of(keypoints, filled(23, 150), MIN_SCORE);
            raw += still.jitterScale() / stretches;
            corrected += still.correctedJitterScale() / stretches;
            rawCorrelation += still.correlation() / stretches;
            correctedCorrelation += still.correctedCorrelation() / stretches;
        }

        assertThat(raw).isLessThan(0.3 * 0.96);
        assertThat(rawCorrelation).isLessThan(0.6 - 0.08);
        assertThat(corrected).isCloseTo(0.3, within(0.3 * 0.07));
        assertThat(correctedCorrelation).isCloseTo(0.6, within(0.06));
    }

    @Test
    void framesWithoutThePersonAndLowScoredJointsAreLeftOut() {
        KeypointNoise noise = jitter(0.3, 0);
        PersonView person = frontal(320, 100, 150);
        float[][][] keypoints = new SimulatedPoseEstimator(noise, WIDTH, HEIGHT)
                .estimate(Collections.nCopies(400, person), new SplittableRandom(5));
        double[] heights = filled(keypoints.length, 150);
        for (int t = 0; t < keypoints.length; t += 3) {
            keypoints[t][Joint.LEFT_WRIST.ordinal()] = new float[] {0, 0, 0.05f}; // lost: far off, low score
        }
        for (int t = 1; t < keypoints.length; t += 10) {
            keypoints[t] = null; // nobody found
        }

        StillPersonJitter still = StillPersonJitter.of(keypoints, heights, MIN_SCORE);

        assertThat(still.frames()).isEqualTo(360);
        StillPersonJitter.JointJitter wrist = still.joints().get(Joint.LEFT_WRIST.ordinal());
        assertThat(wrist.frames()).isEqualTo(239); // 360 found, less 121 with the wrist lost
        assertThat(wrist.jitterScale()).isCloseTo(0.3, within(0.3 * 0.2));
        assertThat(wrist.correlation()).isCloseTo(0, within(0.15));
    }

    @Test
    void seenScoresAndLostJointsPerJointMatchTheSimulatedOnes() {
        KeypointNoise noise = new KeypointNoise(0.2, 0.5, 0.6, 0.1, 0.2, 0.04, 1, 0, 0.1, 0, 0, 0.05);
        PersonView person = frontal(320, 100, 150);
        float[][][] keypoints = new SimulatedPoseEstimator(noise, WIDTH, HEIGHT)
                .estimate(Collections.nCopies(4000, person), new SplittableRandom(3));
        KeypointScoreStatistics scores = new KeypointScoreStatistics(MIN_SCORE, WIDTH, HEIGHT);
        for (float[][] frame : keypoints) {
            scores.add(frame, 150);
        }

        KeypointScoreStatistics.Summary summary = scores.summary();

        assertThat(summary.people()).isEqualTo(4000);
        assertThat(summary.seenScores().mean()).isCloseTo(0.6, within(0.01));
        assertThat(summary.seenScores().sd()).isCloseTo(0.1, within(0.01));
        assertThat(summary.impliedDropoutRate()).isCloseTo(0.04, within(0.04 * 0.2));
        for (Joint joint : Joint.values()) {
            assertThat(summary.joints().get(joint.ordinal()).lostFraction()).as(joint.label())
                    .isCloseTo(0.04 * joint.dropoutWeight(), within(0.012));
        }
        assertThat(summary.byHeight().stream().mapToLong(KeypointScoreStatistics.HeightBand::people).sum())
                .isEqualTo(4000);
        assertThat(Arrays.stream(summary.histogram()).sum()).isCloseTo(1, within(1e-9));
        assertThat(summary.outsideFrame()).isZero();
    }

    @Test
    void missedFramesAndSwapsAlongTracksMatchTheSimulatedRates() {
        KeypointNoise noise = new KeypointNoise(0.1, 0.5, 0.7, 0.1, 0.2, 0, 1, 0, 0.1, 0.03, 0.05, 0.05);
        SimulatedPoseEstimator estimator = new SimulatedPoseEstimator(noise, WIDTH, HEIGHT);
        int frames = 2000;
        List<List<PersonView>> walkers = List.of(walker(60, 40, 120, 0.15, frames),
                walker(560, 250, 160, -0.12, frames));
        List<float[][][]> seen = new ArrayList<>();
        for (int w = 0; w < walkers.size(); w++) {
            seen.add(estimator.estimate(walkers.get(w), new SplittableRandom(100 + w)));
        }
        PoseNoiseStatistics statistics = new PoseNoiseStatistics(new PoseNoiseStatistics.Settings(MIN_SCORE,
                null, null, 0.3f, 5, 10, 0.06), WIDTH, HEIGHT);
        for (int t = 0; t < frames; t++) {
            List<PersonPose> people = new ArrayList<>();
            for (int w = 0; w < walkers.size(); w++) {
                if (seen.get(w)[t][0][2] > 0) {
                    people.add(pose(seen.get(w)[t], walkers.get(w).get(t)));
                }
            }
            statistics.add(t, people);
        }

        PoseNoiseStatistics.Report report = statistics.report();

        VideoTracks.Summary tracks = report.tracks();
        assertThat(tracks.longTracks()).isEqualTo(2);
        assertThat(tracks.missingFrameRate()).isCloseTo(0.05, within(0.012));
        assertThat(tracks.swapRate()).isCloseTo(0.03, within(0.01));
        assertThat(tracks.isolatedSwapRate()).isCloseTo(0.03 * 0.97 * 0.97, within(0.01));
        assertThat(report.still()).isNull();
        assertThat(report.peoplePerFrame().mean()).isCloseTo(2 * 0.95, within(0.03));
    }

    @Test
    void aWalkerMissedForTwoFramesIsFoundWhereTheyWent() {
        VideoTracks tracks = new VideoTracks(0.3f, 5);
        for (int t = 0; t < 10; t++) {
            if (t != 4 && t != 5) {
                tracks.add(t, List.of(box(100 + 12 * t, 100, 35, 100)));
            }
        }

        assertThat(tracks.tracks()).hasSize(1);
        VideoTracks.Summary summary = tracks.summary(5, MIN_SCORE, 0.06);
        assertThat(summary.missedFrames()).isEqualTo(2);
        assertThat(summary.gapLengths()).containsExactly(0, 1, 0, 0, 0);
    }

    @Test
    void theStillPersonIsTheOneWhoseBoxLiesMostInsideTheRegion() {
        PoseNoiseStatistics.Region region = PoseNoiseStatistics.Region.parse("620,290,700,425");
        PersonPose standing = box(641, 305, 30, 108);
        PersonPose passing = box(660, 280, 60, 150); // covers more of the region, with only 60 % of their box
        PersonPose elsewhere = box(100, 300, 30, 100);

        assertThat(PoseNoiseStatistics.stillPerson(List.of(elsewhere, passing, standing), region)).isSameAs(standing);
        assertThat(PoseNoiseStatistics.stillPerson(List.of(elsewhere, passing), region)).isSameAs(passing);
        assertThat(PoseNoiseStatistics.stillPerson(List.of(elsewhere, box(690, 280, 60, 150)), region)).isNull();
    }

    @Test
    void malformedRangesAndRegionsAreRefusedWithTheirFormat() {
        assertThat(PoseNoiseStatistics.FrameRange.parse("549-571")).isEqualTo(new PoseNoiseStatistics.FrameRange(549,
                571));
        assertThatThrownBy(() -> PoseNoiseStatistics.FrameRange.parse("549..571"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FIRST-LAST");
        assertThatThrownBy(() -> PoseNoiseStatistics.Region.parse("620,290,700"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XMIN,YMIN,XMAX,YMAX");
        assertThatThrownBy(() -> PoseNoiseStatistics.Region.parse("700,290,620,425"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xMin < xMax");
    }

    @Test
    void quantilesInterpolateBetweenNeighbours() {
        SampleSummary summary = SampleSummary.of(new double[] {4, 1, 3, 2, Double.NaN});

        assertThat(summary.count()).isEqualTo(4);
        assertThat(summary.median()).isEqualTo(2.5);
        assertThat(summary.p25()).isEqualTo(1.75);
        assertThat(summary.mean()).isEqualTo(2.5);
        assertThat(summary.sd()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(SampleSummary.of(new double[0]).median()).isNaN();
    }

    /** A person facing the camera, {@code height} px tall, feet {@code height} below {@code top}. */
    private static PersonView frontal(double centreX, double top, double height) {
        double[] u = new double[Joint.COUNT];
        double[] v = new double[Joint.COUNT];
        for (int j = 0; j < Joint.COUNT; j++) {
            u[j] = centreX + FRONTAL[j][0] * height;
            v[j] = top + FRONTAL[j][1] * height;
        }
        return new PersonView(u, v, filled(Joint.COUNT, 5), new double[Joint.COUNT], height);
    }

    /** A person facing the camera who walks back and forth across the frame at {@code speed} pixels per frame. */
    private static List<PersonView> walker(double startX, double top, double height, double speed, int frames) {
        List<PersonView> views = new ArrayList<>(frames);
        double span = WIDTH - 2 * 0.2 * height;
        for (int t = 0; t < frames; t++) {
            double travelled = Math.abs((startX - 0.2 * height + speed * t) % (2 * span));
            double x = 0.2 * height + (travelled <= span ? travelled : 2 * span - travelled);
            views.add(frontal(x, top, height));
        }
        return views;
    }

    /** The simulated keypoints as a pose model's person, boxed around the view. */
    private static PersonPose pose(float[][] keypoints, PersonView view) {
        List<PersonPose.Keypoint> points = new ArrayList<>();
        for (float[] k : keypoints) {
            points.add(new PersonPose.Keypoint(k[0], k[1], k[2]));
        }
        double h = view.heightPixels();
        double centre = view.u()[Joint.NOSE.ordinal()];
        double top = view.v()[Joint.NOSE.ordinal()] - 0.07 * h;
        return new PersonPose(0.5f, (float) (centre - 0.2 * h), (float) top, (float) (centre + 0.2 * h),
                (float) (top + h), points);
    }

    private static PersonPose box(double x, double y, double width, double height) {
        List<PersonPose.Keypoint> points = Collections.nCopies(Joint.COUNT,
                new PersonPose.Keypoint((float) (x + width / 2), (float) (y + height / 2), 0.5f));
        return new PersonPose(0.5f, (float) x, (float) y, (float) (x + width), (float) (y + height), points);
    }

    private static double[] filled(int n, double value) {
        double[] values = new double[n];
        Arrays.fill(values, value);
        return values;
    }
}

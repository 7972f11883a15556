package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.UntrackedPoses;
import clipstream.job.records.ValidatedFrame;
import clipstream.model.pose.PersonPose;
import clipstream.schema.Keypoint;
import clipstream.schema.PersonPoses;
import clipstream.schema.flink.AvroRecordSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class PoseEstimationTest {
    private static final int WIDTH = 64;
    private static final int HEIGHT = 32;

    /** A stand-in pose model that finds one person whose keypoint k is scored k / 16 (0 to 1). */
    static final class GradedKeypoints implements FramePoseModel {
        @Override
        public List<PersonPose> find(byte[] rgb, int width, int height) {
            List<PersonPose.Keypoint> keypoints = new ArrayList<>();
            for (int k = 0; k < DetectedPerson.KEYPOINTS; k++) {
                keypoints.add(new PersonPose.Keypoint(10 + k, 4 + k, k / 16f));
            }
            return List.of(new PersonPose(0.9f, 8, 2, 30, 30, keypoints));
        }

        @Override
        public String name() {
            return "graded";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public void close() {
        }
    }

    private static List<UntrackedPoses> estimate(float minKeypointScore) throws Exception {
        OneInputStreamOperatorTestHarness<ValidatedFrame, UntrackedPoses> model =
                ProcessFunctionTestHarnesses.forProcessFunction(new PoseEstimation(GradedKeypoints::new,
                        minKeypointScore));
        for (int i = 0; i < 3; i++) {
            model.processElement(new StreamRecord<>(new ValidatedFrame("cam-1", i, 1_000L * i,
                    new byte[WIDTH * HEIGHT * 3], WIDTH, HEIGHT, "frames", 0, i), 1_000L * i));
        }
        List<UntrackedPoses> found = model.extractOutputValues();
        model.close();
        return found;
    }

    private static float[] scores(DetectedPerson person) {
        float[] scores = new float[DetectedPerson.KEYPOINTS];
        for (int k = 0; k < scores.length; k++) {
            scores[k] = person.keypoints()[3 * k + 2];
        }
        return scores;
    }

    @Test
    void keypointsScoredBelowTheMinimumAreReportedLostWithTheirPositionKept() throws Exception {
        DetectedPerson person = estimate(0.25f).get(0).people()[0];

        float[] scores = scores(person);
        for (int k = 0; k < scores.length; k++) {
            assertThat(scores[k]).as("keypoint %d", k).isEqualTo(k / 16f < 0.25f ? 0f : k / 16f);
            assertThat(person.keypoints()[3 * k]).isEqualTo(10f + k);
            assertThat(person.keypoints()[3 * k + 1]).isEqualTo(4f + k);
        }
        assertThat(scores[3]).isZero();
        assertThat(scores[4]).as("at the minimum: kept").isEqualTo(0.25f);
    }

    @Test
    void aMinimumOfZeroKeepsEveryScore() throws Exception {
        float[] scores = scores(estimate(0).get(0).people()[0]);
        for (int k = 0; k < scores.length; k++) {
            assertThat(scores[k]).isEqualTo(k / 16f);
        }
    }

    @Test
    void theLostKeypointsAreWhatTheTrackingWritesToThePosesTopic() throws Exception {
        PoseTracking tracking = new PoseTracking(new PersonTracker(0.3f, 1, 2, 4), Duration.ofSeconds(30), 8, 250);
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(new CameraCountingOperator<>(tracking),
                UntrackedPoses::cameraId, Types.STRING)) {
            harness.setup(new AvroRecordSerializer<>(PersonPoses.class));
            harness.open();
            for (UntrackedPoses poses : estimate(0.5f)) {
                harness.processElement(new StreamRecord<>(poses, poses.captureTime()));
            }
            List<PersonPoses> written = harness.extractOutputValues();

            assertThat(written).hasSize(3);
            List<Keypoint> keypoints = written.get(2).getPeople().get(0).getKeypoints();
            assertThat(keypoints).extracting(Keypoint::getScore).startsWith(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.5f)
                    .endsWith(1f);
            assertThat(keypoints.get(0).getX()).isEqualTo(10f);
        }
    }
}

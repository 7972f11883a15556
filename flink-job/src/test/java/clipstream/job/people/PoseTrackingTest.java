package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.ConfigException;
import clipstream.job.config.PeopleInput;
import clipstream.job.config.PeopleSettings;
import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.UntrackedPoses;
import clipstream.job.records.ValidatedFrame;
import clipstream.model.pose.PersonPose;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordEncoder;
import clipstream.schema.flink.AvroRecordSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoseTrackingTest {
    private static final int WIDTH = 64;
    private static final int HEIGHT = 32;
    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final int SEQ_RESTART = 250;

    /**
     * A stand-in pose model that reads the scene from the frame: byte 0 is a person's x (255: nobody), byte 1 a
     * second person's x (255: nobody). The real model is checked on real photographs in model-store.
     */
    static final class PixelPeople implements FramePoseModel {
        @Override
        public List<PersonPose> find(byte[] rgb, int width, int height) {
            List<PersonPose> people = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int x = Byte.toUnsignedInt(rgb[i]);
                if (x != 255) {
                    List<PersonPose.Keypoint> keypoints = new ArrayList<>();
                    for (int k = 0; k < 17; k++) {
                        keypoints.add(new PersonPose.Keypoint(x + 2, 4 + k, 0.8f));
                    }
                    people.add(new PersonPose(0.9f - i * 0.1f, x, 2, x + 8, 30, keypoints));
                }
            }
            return people;
        }

        @Override
        public String name() {
            return "pixel-people";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public void close() {
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UntrackedPoses, PersonPoses> harness;
    private PoseTracking tracking;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UntrackedPoses, PersonPoses> harness(int maxCameras)
            throws Exception {
        tracking = new PoseTracking(new PersonTracker(0.3f, 3, 2, 4), IDLE, maxCameras, SEQ_RESTART);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new CameraCountingOperator<>(tracking),
                UntrackedPoses::cameraId, Types.STRING);
        h.setup(new AvroRecordSerializer<>(PersonPoses.class));
        return h;
    }

    /** A person of box {@code x}..{@code x + 8} × 2..30, keypoints inside it. */
    private static DetectedPerson person(int x) {
        float[] keypoints = new float[51];
        for (int k = 0; k < 17; k++) {
            keypoints[3 * k] = x + 2;
            keypoints[3 * k + 1] = 4 + k;
            keypoints[3 * k + 2] = 0.8f;
        }
        return new DetectedPerson(0.9f, x, 2, x + 8, 30, keypoints);
    }

    private static UntrackedPoses poses(String camera, long seq, int width, int... xs) {
        DetectedPerson[] people = new DetectedPerson[xs.length];
        for (int i = 0; i < xs.length; i++) {
            people[i] = person(xs[i]);
        }
        return new UntrackedPoses(camera, seq, 1_000 * seq, width, HEIGHT, "edge-model", "7", people, "edge-poses", 2,
                100 + seq);
    }

    private void send(String camera, long seq, int... xs) throws Exception {
        harness.processElement(new StreamRecord<>(poses(camera, seq, WIDTH, xs), 1_000 * seq));
    }

    private List<PersonPoses> output() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(FrameDeadLetters.OUTPUT);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private List<Long> trackIds(String camera) {
        return output().stream().filter(p -> p.getCameraId().equals(camera))
                .map(p -> p.getPeople().isEmpty() ? 0L : p.getPeople().get(0).getTrackId()).toList();
    }

    @Test
    void aPersonWalkingAcrossIsTrackedOnceConfirmedAndEveryFrameIsReportedAsFound() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 6; i++) {
            send("cam-1", i * 5, 10 + 2 * i);
        }

        assertThat(output()).hasSize(6);
        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, 1L, 1L, 1L);
        PersonPoses last = output().get(5);
        assertThat(last.getSeq()).isEqualTo(25);
        assertThat(last.getCaptureTime()).isEqualTo(Instant.ofEpochMilli(25_000));
        assertThat(last.getWidth()).isEqualTo(WIDTH);
        assertThat(last.getHeight()).isEqualTo(HEIGHT);
        assertThat(last.getModelName()).isEqualTo("edge-model");
        assertThat(last.getModelVersion()).isEqualTo("7");
        Person person = last.getPeople().get(0);
        assertThat(person.getXMin()).isEqualTo(20f);
        assertThat(person.getScore()).isEqualTo(0.9f);
        assertThat(person.getKeypoints()).hasSize(17);
        assertThat(person.getKeypoints().get(16).getY()).isEqualTo(20f);
        assertThat(person.getKeypoints().get(16).getScore()).isEqualTo(0.8f);
    }

    @Test
    void camerasAreTrackedApartAndANewPersonGetsTheNextIdInTheOrderFound() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 3; i++) {
            send("cam-1", i, 10);
            send("cam-2", i, 100);
        }
        for (int i = 3; i < 6; i++) {
            send("cam-1", i, 150, 10);
        }

        assertThat(trackIds("cam-2")).containsExactly(-1L, -1L, 1L);
        List<PersonPoses> cam1 = output().stream().filter(p -> p.getCameraId().equals("cam-1")).toList();
        assertThat(cam1.get(5).getPeople()).extracting(Person::getXMin).containsExactly(150f, 10f);
        assertThat(cam1.get(5).getPeople()).extracting(Person::getTrackId).containsExactly(2L, 1L);
    }

    @Test
    void framesWithNobodyAreReportedEmptyAndAnIdleCameraLeavesNoState() throws Exception {
        harness = harness(8);
        harness.open();
        harness.setProcessingTime(0);
        send("cam-1", 0);
        send("cam-1", 5, 40);

        assertThat(output().get(0).getPeople()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(IDLE.toMillis() + 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(tracking.liveCameras()).isZero();
    }

    @Test
    void aCameraThatChangesResolutionStartsItsTracksOverWithNewIds() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 3; i++) {
            send("cam-1", i, 10);
        }
        for (long seq = 3; seq < 6; seq++) {
            harness.processElement(new StreamRecord<>(poses("cam-1", seq, WIDTH * 2, 10), 1_000 * seq));
        }

        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, -1L, -1L, 2L);
    }

    @Test
    void tracksSurviveASnapshotAndRestore() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 4; i++) {
            send("cam-1", i, 10 + i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(8);
        harness.initializeState(snapshot);
        harness.open();
        send("cam-1", 4, 14);

        assertThat(trackIds("cam-1")).containsExactly(1L);
    }

    @Test
    void aTracksMotionSurvivesASnapshotAndRestore() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 4; i++) {
            send("cam-1", i, 10 + 3 * i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(8);
        harness.initializeState(snapshot);
        harness.open();
        // a longer step: the box 8 wide overlaps the last one too little, but enough where the person was going
        send("cam-1", 4, 24);

        assertThat(trackIds("cam-1")).containsExactly(1L);
    }

    @Test
    void anOutageOfTheJobIsNotTheCamerasSilence() throws Exception {
        harness = harness(8);
        harness.open();
        harness.setProcessingTime(1_000);
        for (int i = 0; i < 4; i++) {
            send("cam-1", i, 10 + i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        // restored three idle timeouts later: the restored timer fires at once, but the camera has had no chance
        harness = harness(8);
        harness.initializeState(snapshot);
        harness.open();
        long restoredAt = 1_000 + 3 * IDLE.toMillis();
        harness.setProcessingTime(restoredAt);
        assertThat(harness.numKeyedStateEntries()).as("kept: the timer moved to the restore + the timeout").isPositive();
        send("cam-1", 4, 14);
        assertThat(trackIds("cam-1")).containsExactly(1L);

        // silent for the timeout after its last poses: now it is idle
        harness.setProcessingTime(restoredAt + IDLE.toMillis() + 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aDuplicateIsDroppedOnceAndAnEarlierSeqIsLateWithALetterPointingAtItsRecord() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 4; i++) {
            send("cam-1", 10 + i, 10 + i);
        }
        send("cam-1", 13, 13);
        send("cam-1", 11, 11);
        send("cam-1", 14, 14);

        assertThat(output()).extracting(PersonPoses::getSeq).containsExactly(10L, 11L, 12L, 13L, 14L);
        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, 1L, 1L);
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.LATE);
            assertThat(letter.getSourceTopic()).isEqualTo("edge-poses");
            assertThat(letter.getSourcePartition()).isEqualTo(2);
            assertThat(letter.getSourceOffset()).isEqualTo(111L);
            assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo("cam-1");
            assertThat(letter.getValue()).isNull();
            assertThat(letter.getMessage()).contains("poses 11 of camera cam-1", "moved on to seq 13",
                    "edge-poses/2@111");
        });
    }

    @Test
    void aSeqFarBehindIsTheCameraStartingOverAndKeepsItsTracks() throws Exception {
        harness = harness(8);
        harness.open();
        for (int i = 0; i < 3; i++) {
            send("cam-1", 1_000 + i, 10);
        }
        send("cam-1", 0, 10);
        send("cam-1", 1, 10);

        assertThat(output()).extracting(PersonPoses::getSeq).containsExactly(1_000L, 1_001L, 1_002L, 0L, 1L);
        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, 1L, 1L);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aNewCameraBeyondMaxCamerasIsOverCapacityAndKeepsNoStateEvenAfterARestore() throws Exception {
        harness = harness(2);
        harness.open();
        harness.setProcessingTime(0);
        send("cam-a", 0, 10);
        send("cam-b", 0, 10);
        int entries = harness.numKeyedStateEntries();

        send("cam-c", 0, 10);

        assertThat(harness.numKeyedStateEntries()).isEqualTo(entries);
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OVER_CAPACITY);
            assertThat(letter.getMessage()).contains("camera cam-c", "--max-cameras 2", "--idle-timeout");
        });
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(2);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(tracking.liveCameras()).as("counted again from the restored state").isEqualTo(2);
        send("cam-d", 1, 10);
        send("cam-a", 1, 10);
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.OVER_CAPACITY);
        assertThat(output()).extracting(PersonPoses::getCameraId).containsExactly("cam-a");
    }

    @Test
    void framesGoThroughThePoseModelIntoTheSameTracking() throws Exception {
        OneInputStreamOperatorTestHarness<ValidatedFrame, UntrackedPoses> model =
                ProcessFunctionTestHarnesses.forProcessFunction(new PoseEstimation(PixelPeople::new, 0));
        for (int i = 0; i < 4; i++) {
            byte[] pixels = new byte[WIDTH * HEIGHT * 3];
            pixels[0] = (byte) (10 + 2 * i);
            pixels[1] = (byte) (i < 3 ? 255 : 40);
            model.processElement(new StreamRecord<>(new ValidatedFrame("cam-1", i * 5L, 1_000L * i, pixels, WIDTH,
                    HEIGHT, "frames", 0, i), 1_000L * i));
        }
        List<UntrackedPoses> found = model.extractOutputValues();
        model.close();
        harness = harness(8);
        harness.open();
        for (UntrackedPoses poses : found) {
            harness.processElement(new StreamRecord<>(poses, poses.captureTime()));
        }

        assertThat(found).extracting(UntrackedPoses::sourceTopic).containsOnly("frames");
        assertThat(output()).extracting(PersonPoses::getModelName).containsOnly("pixel-people");
        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, 1L);
        assertThat(output().get(3).getPeople()).extracting(Person::getTrackId).containsExactly(1L, -1L);
        assertThat(output().get(3).getPeople().get(1).getKeypoints()).hasSize(17);
    }

    @Test
    void theSamplerPicksFramesBySeqWithoutDecodingPixelsAndDropsWhatDoesNotDecode() throws Exception {
        PoseFrameSampler sampler = new PoseFrameSampler(5);
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        List<Long> kept = new ArrayList<>();
        for (long seq = 0; seq < 12; seq++) {
            Frame frame = Frame.newBuilder().setCameraId("cam-1").setSeq(seq).setCaptureTime(Instant.ofEpochMilli(0))
                    .setWidth(1).setHeight(1).setEncoding(FrameEncoding.RGB24).setData(ByteBuffer.wrap(new byte[3]))
                    .build();
            if (sampler.filter(new RawRecord("frames", 0, seq, 0, null, encoder.toBytes(frame)))) {
                kept.add(seq);
            }
        }
        assertThat(kept).containsExactly(0L, 5L, 10L);
        assertThat(sampler.filter(new RawRecord("frames", 0, 99, 0, null, new byte[] {1, 2, 3}))).isFalse();
    }

    @Test
    void peopleSettingsNameTheFlagOfABadValue() {
        assertThatThrownBy(() -> PeopleSettings.of("movenet-multipose", null, 100, 5, 0.25f, 16, "poses", IDLE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--pose-input");
        assertThatThrownBy(() -> PeopleSettings.of("movenet-multipose", null, 0, 0, 0.25f, 16, "poses", IDLE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--pose-every");
        assertThatThrownBy(() -> PeopleSettings.edge("poses", 16, "poses", IDLE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--edge-poses-topic", "--poses-topic");
        assertThatThrownBy(() -> new PeopleSettings(PeopleInput.EDGE, "movenet-multipose", null, 0, 5, 0, 0.25f, 0,
                0.3f, 3, 10, 16, "poses", "edge-poses", IDLE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--pose-model", "--people-input frames");
        assertThatThrownBy(() -> PeopleInput.parse("cameras"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--people-input");
        assertThat(PeopleSettings.edge("edge-poses", 16, "poses", IDLE).poseModel()).isNull();
    }
}

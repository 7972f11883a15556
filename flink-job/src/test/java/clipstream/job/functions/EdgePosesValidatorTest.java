package clipstream.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.UntrackedPoses;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgePosesValidatorTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final RecordEncoder<PersonPoses> ENCODER = RecordEncoder.of(PersonPoses.class);

    private OneInputStreamOperatorTestHarness<RawRecord, UntrackedPoses> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new EdgePosesValidator(CaptureTimeWindow.DEFAULT));
        harness.setProcessingTime(T0 + 1_000); // the poses were captured a second ago
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static List<Keypoint> keypoints(float x, float y) {
        List<Keypoint> keypoints = new ArrayList<>();
        for (int k = 0; k < 17; k++) {
            keypoints.add(new Keypoint(x + k, y + 10 * k, 0.7f));
        }
        return keypoints;
    }

    private static Person person(long edgeTrackId, float x) {
        return new Person(edgeTrackId, 0.8f, x, 20f, x + 60f, 220f, keypoints(x + 5, 25f));
    }

    private static PersonPoses.Builder valid() {
        return PersonPoses.newBuilder().setCameraId("door-1").setSeq(40).setCaptureTime(Instant.ofEpochMilli(T0))
                .setWidth(WIDTH).setHeight(HEIGHT).setModelName("edge-movenet").setModelVersion("4.1")
                .setPeople(List.of(person(77, 100f), person(78, 400f)));
    }

    /** The valid record with its first person changed by {@code change}. */
    private static PersonPoses withFirstPerson(UnaryOperator<Person.Builder> change) {
        PersonPoses poses = valid().build();
        List<Person> people = new ArrayList<>(poses.getPeople());
        people.set(0, change.apply(Person.newBuilder(people.get(0))).build());
        poses.setPeople(people);
        return poses;
    }

    /** The valid record with keypoint {@code k} of its first person set to {@code keypoint}. */
    private static PersonPoses withKeypoint(int k, Keypoint keypoint) {
        return withFirstPerson(p -> {
            List<Keypoint> keypoints = new ArrayList<>(p.getKeypoints());
            keypoints.set(k, keypoint);
            return p.setKeypoints(keypoints);
        });
    }

    private RawRecord send(byte[] value) throws Exception {
        RawRecord record = new RawRecord("edge-poses", 1, offset++, T0, "door-1".getBytes(StandardCharsets.UTF_8),
                value);
        harness.processElement(new StreamRecord<>(record, T0));
        return record;
    }

    private RawRecord send(PersonPoses poses) throws Exception {
        return send(ENCODER.toBytes(poses));
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(FrameDeadLetters.OUTPUT);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** Sends {@code poses} and expects it dead-lettered with {@code reason}, a message saying {@code why}. */
    private void assertRefused(PersonPoses poses, DeadLetterReason reason, String... why) throws Exception {
        int before = deadLetters().size();
        RawRecord record = send(poses);
        assertThat(harness.extractOutputValues()).as("nothing let through").isEmpty();
        assertThat(deadLetters()).hasSize(before + 1);
        DeadLetter letter = deadLetters().get(before);
        assertThat(letter.getReason()).isEqualTo(reason);
        assertThat(letter.getMessage()).contains(why).contains(record.origin());
        assertThat(letter.getValue()).as("the original value (a prefix of a long one)").isEqualTo(ByteBuffer.wrap(
                Arrays.copyOf(record.value(), Math.min(record.value().length, FrameDeadLetters.MAX_BYTES_KEPT))));
        assertThat(letter.getSourceOffset()).isEqualTo(record.offset());
    }

    @Test
    void aValidRecordIsLetThroughWithoutTheEdgesTrackIds() throws Exception {
        RawRecord record = send(valid().build());

        assertThat(deadLetters()).isEmpty();
        UntrackedPoses poses = harness.extractOutputValues().get(0);
        assertThat(poses.cameraId()).isEqualTo("door-1");
        assertThat(poses.seq()).isEqualTo(40);
        assertThat(poses.captureTime()).isEqualTo(T0);
        assertThat(poses.width()).isEqualTo(WIDTH);
        assertThat(poses.height()).isEqualTo(HEIGHT);
        assertThat(poses.modelName()).isEqualTo("edge-movenet");
        assertThat(poses.modelVersion()).isEqualTo("4.1");
        assertThat(poses.sourceTopic()).isEqualTo("edge-poses");
        assertThat(poses.sourceOffset()).isEqualTo(record.offset());
        assertThat(poses.people()).hasSize(2);
        DetectedPerson first = poses.people()[0];
        assertThat(first.score()).isEqualTo(0.8f);
        assertThat(new float[] {first.xMin(), first.yMin(), first.xMax(), first.yMax()})
                .containsExactly(100f, 20f, 160f, 220f);
        assertThat(first.keypoints()).hasSize(51);
        assertThat(Arrays.copyOfRange(first.keypoints(), 48, 51)).containsExactly(121f, 185f, 0.7f);
    }

    @Test
    void nobodyInTheFrameAndPointsOnTheBorderOrJustBeyondAreValid() throws Exception {
        send(valid().setPeople(List.of()).build());
        send(withKeypoint(3, new Keypoint((float) WIDTH, (float) HEIGHT, 0f)));
        send(withKeypoint(4, new Keypoint(-EdgePosesValidator.tolerance(WIDTH), HEIGHT + 4.5f, 1f)));
        send(withFirstPerson(p -> p.setXMin(0f).setYMin(0f).setXMax((float) WIDTH).setYMax((float) HEIGHT)));
        send(valid().setModelName(null).setModelVersion(null).setSeq(0).build());
        send(valid().setPeople(Collections.nCopies(EdgePosesValidator.MAX_PEOPLE, person(1, 10f))).build());

        assertThat(deadLetters()).isEmpty();
        assertThat(harness.extractOutputValues()).hasSize(6);
        assertThat(harness.extractOutputValues().get(0).people()).isEmpty();
    }

    @Test
    void bytesThatAreNotPersonPosesAreUndecodableOrOfAnUnknownSchema() throws Exception {
        send(new byte[] {1, 2, 3, 4});
        byte[] valid = ENCODER.toBytes(valid().build());
        send(Arrays.copyOf(valid, valid.length / 2));
        send(new byte[0]);
        send((byte[]) null);
        Frame frame = Frame.newBuilder().setCameraId("door-1").setSeq(1).setCaptureTime(Instant.ofEpochMilli(T0))
                .setWidth(1).setHeight(1).setEncoding(FrameEncoding.RGB24).setData(ByteBuffer.wrap(new byte[3]))
                .build();
        send(RecordEncoder.of(Frame.class).toBytes(frame));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.UNDECODABLE,
                DeadLetterReason.UNDECODABLE, DeadLetterReason.UNDECODABLE, DeadLetterReason.UNDECODABLE,
                DeadLetterReason.UNKNOWN_SCHEMA);
    }

    @Test
    void aBadCameraIdIsRefusedAsForFrames() throws Exception {
        assertRefused(valid().setCameraId("").build(), DeadLetterReason.INVALID_CAMERA_ID, "camera id ''");
        assertRefused(valid().setCameraId("door 1/\u0000").build(), DeadLetterReason.INVALID_CAMERA_ID, "\\u0000");
        assertRefused(valid().setCameraId("x".repeat(129)).build(), DeadLetterReason.INVALID_CAMERA_ID, "129 chars");
    }

    @Test
    void aNegativeSeqACaptureTimeOutsideTheWindowAndAnAbsurdFrameAreInvalidPoses() throws Exception {
        assertRefused(valid().setSeq(-1).build(), DeadLetterReason.INVALID_POSES, "seq -1 is negative");
        assertRefused(valid().setCaptureTime(Instant.ofEpochMilli(T0 + Duration.ofMinutes(6).toMillis())).build(),
                DeadLetterReason.INVALID_POSES, "--max-clock-skew");
        assertRefused(valid().setCaptureTime(Instant.ofEpochMilli(T0 - Duration.ofDays(2).toMillis())).build(),
                DeadLetterReason.INVALID_POSES, "--max-frame-age");
        assertRefused(valid().setWidth(0).build(), DeadLetterReason.INVALID_POSES, "frame size 0x480");
        assertRefused(valid().setHeight(-480).build(), DeadLetterReason.INVALID_POSES, "frame size 640x-480");
        assertRefused(valid().setWidth(EdgePosesValidator.MAX_FRAME_SIDE + 1).build(), DeadLetterReason.INVALID_POSES,
                "not 1-16384 pixels a side");
        assertRefused(valid().setModelName("m".repeat(129)).build(), DeadLetterReason.INVALID_POSES,
                "model_name has 129 characters");
        assertRefused(valid().setModelVersion("v".repeat(1000)).build(), DeadLetterReason.INVALID_POSES,
                "model_version has 1000 characters");
    }

    @Test
    void moreThanTheMostPeopleARecordMayHoldIsInvalidPoses() throws Exception {
        assertRefused(valid().setPeople(Collections.nCopies(EdgePosesValidator.MAX_PEOPLE + 1, person(1, 10f)))
                .build(), DeadLetterReason.INVALID_POSES, "65 people, more than the 64");
        assertRefused(valid().setPeople(Collections.nCopies(1000, person(1, 10f))).build(),
                DeadLetterReason.INVALID_POSES, "1000 people");
    }

    @Test
    void aPersonWithoutExactly17KeypointsIsInvalidPoses() throws Exception {
        assertRefused(withFirstPerson(p -> p.setKeypoints(p.getKeypoints().subList(0, 16))),
                DeadLetterReason.INVALID_POSES, "person 0 of 2: 16 keypoints, not the 17");
        assertRefused(withFirstPerson(p -> p.setKeypoints(List.of())), DeadLetterReason.INVALID_POSES,
                "0 keypoints");
        List<Keypoint> eighteen = new ArrayList<>(keypoints(1, 1));
        eighteen.add(new Keypoint(1f, 1f, 1f));
        assertRefused(withFirstPerson(p -> p.setKeypoints(eighteen)), DeadLetterReason.INVALID_POSES, "18 keypoints");
    }

    @Test
    void coordinatesThatAreNotFiniteOrLieOutsideTheFrameAreInvalidPoses() throws Exception {
        assertRefused(withKeypoint(7, new Keypoint(Float.NaN, 10f, 0.5f)), DeadLetterReason.INVALID_POSES,
                "person 0 of 2: keypoint 7 x is NaN");
        assertRefused(withKeypoint(0, new Keypoint(10f, Float.POSITIVE_INFINITY, 0.5f)),
                DeadLetterReason.INVALID_POSES, "keypoint 0 y is Infinity");
        assertRefused(withKeypoint(16, new Keypoint(WIDTH + 7f, 10f, 0.5f)), DeadLetterReason.INVALID_POSES,
                "keypoint 16 x 647.0 lies outside the frame's [0, 640]");
        assertRefused(withKeypoint(2, new Keypoint(10f, -5f, 0.5f)), DeadLetterReason.INVALID_POSES,
                "keypoint 2 y -5.0 lies outside");
        assertRefused(withFirstPerson(p -> p.setXMax(Float.NEGATIVE_INFINITY)), DeadLetterReason.INVALID_POSES,
                "box x_max is -Infinity");
        assertRefused(withFirstPerson(p -> p.setYMax(1e9f)), DeadLetterReason.INVALID_POSES, "box y_max");
    }

    @Test
    void scoresOutsideZeroToOneAreInvalidPoses() throws Exception {
        assertRefused(withKeypoint(5, new Keypoint(10f, 10f, 1.5f)), DeadLetterReason.INVALID_POSES,
                "keypoint 5 score 1.5 is not within [0, 1]");
        assertRefused(withKeypoint(5, new Keypoint(10f, 10f, Float.NaN)), DeadLetterReason.INVALID_POSES,
                "keypoint 5 score NaN");
        assertRefused(withFirstPerson(p -> p.setScore(-0.1f)), DeadLetterReason.INVALID_POSES,
                "score -0.1 is not within [0, 1]");
    }

    @Test
    void anInvertedBoxIsInvalidPoses() throws Exception {
        assertRefused(withFirstPerson(p -> p.setXMin(300f).setXMax(200f)), DeadLetterReason.INVALID_POSES,
                "has its minimum beyond its maximum");
        assertRefused(withFirstPerson(p -> p.setYMin(300f).setYMax(299f)), DeadLetterReason.INVALID_POSES,
                "has its minimum beyond its maximum");
    }

    @Test
    void theSecondPersonIsCheckedToo() throws Exception {
        PersonPoses poses = valid().build();
        Person second = poses.getPeople().get(1);
        second.setScore(2f);
        assertRefused(poses, DeadLetterReason.INVALID_POSES, "person 1 of 2: score 2.0");
    }
}

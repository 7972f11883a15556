package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.ConfigException;
import clipstream.job.config.PeopleSettings;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.model.pose.PersonPose;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordEncoder;
import clipstream.schema.flink.AvroRecordSerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoseTrackingTest {
    private static final int WIDTH = 64;
    private static final int HEIGHT = 32;
    private static final Duration IDLE = Duration.ofSeconds(30);

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

    private KeyedOneInputStreamOperatorTestHarness<String, ValidatedFrame, PersonPoses> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ValidatedFrame, PersonPoses> harness()
            throws Exception {
        var tracking = new PoseTracking(PixelPeople::new, new PersonTracker(0.3f, 3, 2, 4), IDLE);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(tracking),
                ValidatedFrame::cameraId, Types.STRING);
        h.setup(new AvroRecordSerializer<>(PersonPoses.class));
        return h;
    }

    private void send(String camera, long seq, int... xs) throws Exception {
        byte[] pixels = new byte[WIDTH * HEIGHT * 3];
        pixels[0] = (byte) (xs.length > 0 ? xs[0] : 255);
        pixels[1] = (byte) (xs.length > 1 ? xs[1] : 255);
        harness.processElement(new StreamRecord<>(new ValidatedFrame(camera, seq, 1_000 * seq, pixels, WIDTH, HEIGHT,
                "frames", 0, seq), 1_000 * seq));
    }

    private List<PersonPoses> output() {
        return harness.extractOutputValues();
    }

    private List<Long> trackIds(String camera) {
        return output().stream().filter(p -> p.getCameraId().equals(camera))
                .map(p -> p.getPeople().isEmpty() ? 0L : p.getPeople().get(0).getTrackId()).toList();
    }

    @Test
    void aPersonWalkingAcrossIsTrackedOnceConfirmedAndEveryFrameIsReported() throws Exception {
        harness = harness();
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
        assertThat(last.getModelName()).isEqualTo("pixel-people");
        Person person = last.getPeople().get(0);
        assertThat(person.getXMin()).isEqualTo(20f);
        assertThat(person.getKeypoints()).hasSize(17);
    }

    @Test
    void camerasAreTrackedApartAndANewPersonGetsTheNextId() throws Exception {
        harness = harness();
        harness.open();
        for (int i = 0; i < 3; i++) {
            send("cam-1", i, 10);
            send("cam-2", i, 100);
        }
        for (int i = 3; i < 6; i++) {
            send("cam-1", i, 10, 150);
        }

        assertThat(trackIds("cam-2")).containsExactly(-1L, -1L, 1L);
        List<PersonPoses> cam1 = output().stream().filter(p -> p.getCameraId().equals("cam-1")).toList();
        assertThat(cam1.get(5).getPeople()).extracting(Person::getTrackId).containsExactly(1L, 2L);
    }

    @Test
    void framesWithNobodyAreReportedEmptyAndAnIdleCameraLeavesNoState() throws Exception {
        harness = harness();
        harness.open();
        harness.setProcessingTime(0);
        send("cam-1", 0);
        send("cam-1", 5, 40);

        assertThat(output().get(0).getPeople()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(IDLE.toMillis() + 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aCameraThatChangesResolutionStartsItsTracksOverWithNewIds() throws Exception {
        harness = harness();
        harness.open();
        for (int i = 0; i < 3; i++) {
            send("cam-1", i, 10);
        }
        byte[] pixels = new byte[WIDTH * 2 * HEIGHT * 2 * 3];
        pixels[0] = 10;
        pixels[1] = (byte) 255;
        for (long seq = 3; seq < 6; seq++) {
            harness.processElement(new StreamRecord<>(new ValidatedFrame("cam-1", seq, 1_000 * seq, pixels, WIDTH * 2,
                    HEIGHT * 2, "frames", 0, seq), 1_000 * seq));
        }

        assertThat(trackIds("cam-1")).containsExactly(-1L, -1L, 1L, -1L, -1L, 2L);
    }

    @Test
    void tracksSurviveASnapshotAndRestore() throws Exception {
        harness = harness();
        harness.open();
        for (int i = 0; i < 4; i++) {
            send("cam-1", i, 10 + i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        send("cam-1", 4, 14);

        assertThat(trackIds("cam-1")).containsExactly(1L);
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
    }
}

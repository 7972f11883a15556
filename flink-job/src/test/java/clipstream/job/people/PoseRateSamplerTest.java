package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
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

class PoseRateSamplerTest {
    private static final Duration IDLE = Duration.ofSeconds(30);
    /** A capture time on a whole second, so slots of 1/10 s start at it. */
    private static final long T0 = 1_767_225_600_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, StampedRecord, RawRecord> harness;
    private PoseRateSampler sampler;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, StampedRecord, RawRecord> harness(double fps,
                                                                                             int maxCameras)
            throws Exception {
        sampler = new PoseRateSampler(fps, IDLE, maxCameras);
        return new KeyedOneInputStreamOperatorTestHarness<>(new CameraCountingOperator<>(sampler),
                StampedRecord::cameraId, Types.STRING);
    }

    /** A frame record whose offset is its seq, so the output says which frames were chosen. */
    private static StampedRecord frame(String camera, long seq, long captureTime) {
        return new StampedRecord(camera, seq, captureTime, new RawRecord("frames", 0, seq, captureTime,
                camera.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) seq}));
    }

    private void send(String camera, long seq, long captureTime) throws Exception {
        harness.processElement(new StreamRecord<>(frame(camera, seq, captureTime), captureTime));
    }

    /** Frames {@code from} to {@code to} (exclusive) of a camera at {@code fps}, capture times rounded to the ms. */
    private void sendAt(String camera, double fps, int from, int to) throws Exception {
        for (int seq = from; seq < to; seq++) {
            send(camera, seq, T0 + Math.round(seq * 1000 / fps));
        }
    }

    /** The seqs of the frames chosen for {@code camera}, in order. */
    private List<Long> posed(String camera) {
        return harness.extractOutputValues().stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(camera)).map(RawRecord::offset)
                .toList();
    }

    @Test
    void aCameraAt25FpsIsPosedTenTimesASecondByCaptureTime() throws Exception {
        harness = harness(10, 8);
        harness.open();
        sendAt("cam-1", 25, 0, 50);

        assertThat(posed("cam-1")).hasSize(20).startsWith(0L, 3L, 5L, 8L, 10L, 13L, 15L);
        assertThat(harness.extractOutputValues().get(1).value()).containsExactly(3);
    }

    @Test
    void camerasOfAnyFrameRateArePosedAtTheRateAndEveryFrameOfASlowerOne() throws Exception {
        harness = harness(10, 8);
        harness.open();
        double[] rates = {7, 15, 25, 30};
        for (double fps : rates) {
            sendAt("cam-" + (int) fps, fps, 0, (int) (3 * fps));
        }

        assertThat(posed("cam-7")).as("slower than the pose rate: every frame").hasSize(21);
        assertThat(posed("cam-15")).hasSize(30);
        assertThat(posed("cam-25")).hasSize(30);
        assertThat(posed("cam-30")).hasSize(30);
        List<Long> times = posed("cam-30").stream().map(seq -> Math.round(seq * 1000 / 30.0)).toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("spacing of the pose frames").isBetween(67L, 133L);
        }
    }

    @Test
    void aRestoreAfterAnOutageLongerThanTheIdleTimeoutChoosesTheSameFramesAsARunWithoutFailure() throws Exception {
        harness = harness(10, 8);
        harness.open();
        harness.setProcessingTime(0);
        sendAt("cam-1", 25, 0, 40);
        List<Long> uninterrupted = posed("cam-1");
        harness.close();

        harness = harness(10, 8);
        harness.open();
        harness.setProcessingTime(0);
        // the checkpoint falls inside a slot: seq 3 (120 ms) was posed, seq 4 (160 ms) must not be
        sendAt("cam-1", 25, 0, 4);
        List<Long> before = posed("cam-1");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(10, 8);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(IDLE.toMillis() * 3);
        assertThat(harness.numKeyedStateEntries()).as("the camera's idle timer is re-armed, not expired")
                .isPositive();
        sendAt("cam-1", 25, 4, 40);
        List<Long> all = new ArrayList<>(before);
        all.addAll(posed("cam-1"));

        assertThat(all).isEqualTo(uninterrupted);
        assertThat(all).startsWith(0L, 3L, 5L);
    }

    @Test
    void anIdleCameraLeavesNoStateAndItsNextFrameIsPosed() throws Exception {
        harness = harness(10, 8);
        harness.open();
        harness.setProcessingTime(0);
        send("cam-1", 0, T0);
        send("cam-2", 0, T0);
        assertThat(sampler.liveCameras()).isEqualTo(2);

        harness.setProcessingTime(IDLE.toMillis() + 1);

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(sampler.liveCameras()).isZero();
        send("cam-1", 1, T0 + 40);
        assertThat(posed("cam-1")).containsExactly(0L, 1L);
    }

    @Test
    void framesOlderThanTheLastPosedAreSkippedAndAClockFarBehindStartsOver() throws Exception {
        harness = harness(10, 8);
        harness.open();
        send("cam-1", 10, T0 + 1_000);
        send("cam-1", 11, T0 + 900);
        send("cam-1", 12, T0 + 1_050);
        send("cam-1", 13, T0 + 1_100);
        send("cam-1", 14, T0 + 1_000 - IDLE.toMillis() - 100);
        send("cam-1", 15, T0 + 1_000 - IDLE.toMillis() - 60);
        send("cam-1", 16, T0 + 1_000 - IDLE.toMillis());

        assertThat(posed("cam-1")).as("11 is older, 12 and 15 in a posed slot; 14 is the clock starting over")
                .containsExactly(10L, 13L, 14L, 16L);
    }

    @Test
    void aNewCameraBeyondMaxCamerasIsNotPosedAndKeepsNoStateEvenAfterARestore() throws Exception {
        harness = harness(10, 2);
        harness.open();
        send("cam-a", 0, T0);
        send("cam-b", 0, T0);
        int entries = harness.numKeyedStateEntries();

        send("cam-c", 0, T0);

        assertThat(harness.numKeyedStateEntries()).isEqualTo(entries);
        assertThat(posed("cam-c")).isEmpty();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(10, 2);
        harness.initializeState(snapshot);
        harness.open();
        assertThat(sampler.liveCameras()).as("counted again from the restored state").isEqualTo(2);
        send("cam-d", 1, T0 + 200);
        send("cam-a", 1, T0 + 200);
        assertThat(posed("cam-d")).isEmpty();
        assertThat(posed("cam-a")).containsExactly(1L);
    }

    @Test
    void aRateThatCannotWorkIsRefused() {
        assertThatThrownBy(() -> new PoseRateSampler(0, IDLE, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PoseRateSampler(Double.NaN, IDLE, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStampsAreReadFromTheRecordAndWhatTheValidatorRefusesIsLeftOut() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, StampedRecord> stamps =
                ProcessFunctionTestHarnesses.forProcessFunction(new PoseFrameStamps());
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        List<RawRecord> records = new ArrayList<>();
        for (String camera : List.of("cam-1", "cam 1", "cam-2")) {
            Frame frame = Frame.newBuilder().setCameraId(camera).setSeq(7).setCaptureTime(Instant.ofEpochMilli(T0 + 40))
                    .setWidth(2).setHeight(1).setEncoding(FrameEncoding.RGB24).setData(ByteBuffer.wrap(new byte[6]))
                    .build();
            records.add(new RawRecord("frames", 0, records.size(), 0, null, encoder.toBytes(frame)));
        }
        records.add(new RawRecord("frames", 0, 3, 0, null, new byte[] {1, 2, 3}));
        for (RawRecord record : records) {
            stamps.processElement(new StreamRecord<>(record, 0));
        }

        assertThat(stamps.extractOutputValues()).containsExactly(new StampedRecord("cam-1", 7, T0 + 40,
                records.get(0)), new StampedRecord("cam-2", 7, T0 + 40, records.get(2)));
        stamps.close();
    }
}

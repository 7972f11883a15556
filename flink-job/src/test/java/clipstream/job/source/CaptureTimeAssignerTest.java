package clipstream.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.records.RawRecord;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaptureTimeAssignerTest {
    private static final long KAFKA_TIME = 42L;
    /** The wall clock of these tests: a few seconds after the frames they read were captured. */
    private static final long NOW = 1_764_000_005_000L;

    private static CaptureTimeAssigner assigner() {
        return new CaptureTimeAssigner(CaptureTimeWindow.DEFAULT,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private static RawRecord record(byte[] value) {
        return new RawRecord("frames", 0, 7, KAFKA_TIME, "cam-1".getBytes(StandardCharsets.UTF_8), value);
    }

    private static byte[] frame(long captureTime, FrameEncoding encoding, byte[] data) {
        return RecordEncoder.of(Frame.class).toBytes(Frame.newBuilder().setCameraId("cam-1").setSeq(3)
                .setCaptureTime(Instant.ofEpochMilli(captureTime)).setWidth(4).setHeight(4).setEncoding(encoding)
                .setData(ByteBuffer.wrap(data)).build());
    }

    @Test
    void theEventTimeIsTheFramesCaptureTimeNotTheKafkaTimestamp() {
        CaptureTimeAssigner assigner = assigner();

        assertThat(assigner.extractTimestamp(record(frame(1_764_000_000_123L, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).isEqualTo(1_764_000_000_123L);
        assertThat(assigner.extractTimestamp(record(frame(1_764_000_000_456L, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).isEqualTo(1_764_000_000_456L);
    }

    @Test
    void aFrameWhosePixelsTheValidatorWillRefuseStillHasItsTime() {
        // a corrupt JPEG or a wrong pixel count is the validator's business: the time is still the frame's
        byte[] corruptJpeg = frame(1_764_000_000_789L, FrameEncoding.JPEG, new byte[] {1, 2, 3});

        assertThat(assigner().extractTimestamp(record(corruptJpeg), KAFKA_TIME))
                .isEqualTo(1_764_000_000_789L);
    }

    @Test
    void anUndecodableRecordNeverMovesTheWatermark() {
        CaptureTimeAssigner assigner = assigner();
        byte[] good = frame(1_764_000_000_000L, FrameEncoding.RGB24, new byte[48]);

        assertThat(assigner.extractTimestamp(record("not avro".getBytes(StandardCharsets.UTF_8)), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(Arrays.copyOf(good, good.length - 10)), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(null), KAFKA_TIME)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aCaptureTimeOutsideTheWindowAroundTheWallClockNeverMovesTheWatermark() {
        CaptureTimeAssigner assigner = assigner();
        long year3000 = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();

        assertThat(assigner.extractTimestamp(record(frame(year3000, FrameEncoding.RGB24, new byte[48])), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(frame(NOW + 5 * 60_000 + 1, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).as("just over --max-clock-skew ahead").isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(frame(NOW - 24 * 3_600_000 - 1, FrameEncoding.RGB24,
                new byte[48])), KAFKA_TIME)).as("just over --max-frame-age old").isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(frame(-5, FrameEncoding.RGB24, new byte[48])), KAFKA_TIME))
                .as("before 1970").isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(frame(NOW + 5 * 60_000, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).as("at the edge of the window").isEqualTo(NOW + 5 * 60_000);
    }
}

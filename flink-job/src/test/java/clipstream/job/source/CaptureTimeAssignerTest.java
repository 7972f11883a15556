package clipstream.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.records.RawRecord;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CaptureTimeAssignerTest {
    private static final long KAFKA_TIME = 42L;

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
        CaptureTimeAssigner assigner = new CaptureTimeAssigner();

        assertThat(assigner.extractTimestamp(record(frame(1_764_000_000_123L, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).isEqualTo(1_764_000_000_123L);
        assertThat(assigner.extractTimestamp(record(frame(1_764_000_000_456L, FrameEncoding.RGB24, new byte[48])),
                KAFKA_TIME)).isEqualTo(1_764_000_000_456L);
    }

    @Test
    void aFrameWhosePixelsTheValidatorWillRefuseStillHasItsTime() {
        // a corrupt JPEG or a wrong pixel count is the validator's business: the time is still the frame's
        byte[] corruptJpeg = frame(1_764_000_000_789L, FrameEncoding.JPEG, new byte[] {1, 2, 3});

        assertThat(new CaptureTimeAssigner().extractTimestamp(record(corruptJpeg), KAFKA_TIME))
                .isEqualTo(1_764_000_000_789L);
    }

    @Test
    void anUndecodableRecordNeverMovesTheWatermark() {
        CaptureTimeAssigner assigner = new CaptureTimeAssigner();
        byte[] good = frame(1_764_000_000_000L, FrameEncoding.RGB24, new byte[48]);

        assertThat(assigner.extractTimestamp(record("not avro".getBytes(StandardCharsets.UTF_8)), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(Arrays.copyOf(good, good.length - 10)), KAFKA_TIME))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(assigner.extractTimestamp(record(null), KAFKA_TIME)).isEqualTo(Long.MIN_VALUE);
    }
}

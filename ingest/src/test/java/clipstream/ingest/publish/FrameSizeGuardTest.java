package clipstream.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrameSizeGuardTest {

    @Test
    void valueSizeIsExactlyTheCodecsEncodingLength() {
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        for (int side : new int[] {1, 8, 64, 112, 640}) {
            for (long seq : new long[] {0, 63, 64, 1L << 40}) {
                Frame frame = frame("camera-" + side, seq, side, new byte[side * side * 3]);
                assertThat(FrameSizeGuard.valueBytes(frame)).as("%dx%d seq %d", side, side, seq)
                        .isEqualTo(encoder.toBytes(frame).length);
            }
        }
    }

    @Test
    void framesOverTheLimitAreRefusedNamingTheSettingToChange() {
        Frame frame = frame("lobby", 7, 640, new byte[640 * 640 * 3]);
        FrameSizeGuard guard = new FrameSizeGuard(MessageSizeLimit.producer(1024 * 1024));
        assertThat(guard.refusal(frame))
                .contains("Frame 7 of camera 'lobby'", "640x640 RGB24", "1,048,576-byte limit",
                        "max.request.size", "--size", "--encoding JPEG");

        FrameSizeGuard topicGuard = new FrameSizeGuard(MessageSizeLimit.producer(8 << 20)
                .min(MessageSizeLimit.topic("frames", 1_000_000)));
        assertThat(topicGuard.refusal(frame)).contains("topic 'frames' max.message.bytes");
    }

    @Test
    void framesWithinTheLimitPass() {
        Frame frame = frame("lobby", 7, 112, new byte[112 * 112 * 3]);
        FrameSizeGuard guard = new FrameSizeGuard(MessageSizeLimit.producer(FrameSizeGuard.recordBytes(frame)));
        assertThat(guard.refusal(frame)).isNull();
    }

    private static Frame frame(String camera, long seq, int side, byte[] pixels) {
        return new Frame(camera, seq, Instant.ofEpochMilli(1_700_000_000_000L), side, side, FrameEncoding.RGB24,
                ByteBuffer.wrap(pixels));
    }
}

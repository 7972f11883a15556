package clipstream.ingest.publish;

import clipstream.schema.Frame;
import java.nio.charset.StandardCharsets;

/**
 * Refuses frames that Kafka would refuse, before they reach the producer, with a message saying which setting to
 * change. The size is the exact single-object Avro encoding of the record (10-byte header, varints, pixels) plus
 * the key and the record-batch overhead, so it is an upper bound of what the broker checks against
 * {@code max.message.bytes} and the producer against {@code max.request.size}.
 */
public final class FrameSizeGuard {
    /** Record batch header (61 bytes) plus the largest per-record header (attributes, varint lengths, offsets). */
    static final int KAFKA_OVERHEAD_BYTES = 61 + 21;
    private static final int AVRO_HEADER_BYTES = 10;

    private final MessageSizeLimit limit;

    public FrameSizeGuard(MessageSizeLimit limit) {
        this.limit = limit;
    }

    public MessageSizeLimit limit() {
        return limit;
    }

    /** Bytes the frame occupies in a record batch of its own, key included. */
    public static int recordBytes(Frame frame) {
        int key = frame.getCameraId().toString().getBytes(StandardCharsets.UTF_8).length;
        return KAFKA_OVERHEAD_BYTES + key + valueBytes(frame);
    }

    /** The exact length of the frame's single-object Avro encoding. */
    public static int valueBytes(Frame frame) {
        int id = frame.getCameraId().toString().getBytes(StandardCharsets.UTF_8).length;
        int data = frame.getData().remaining();
        return AVRO_HEADER_BYTES
                + varLongBytes(id) + id
                + varLongBytes(frame.getSeq())
                + varLongBytes(frame.getCaptureTime().toEpochMilli())
                + varLongBytes(frame.getWidth())
                + varLongBytes(frame.getHeight())
                + varLongBytes(frame.getEncoding().ordinal())
                + varLongBytes(data) + data;
    }

    /** Null when the frame fits, else why not and what to change. */
    public String refusal(Frame frame) {
        int bytes = recordBytes(frame);
        if (bytes <= limit.bytes()) {
            return null;
        }
        return String.format("Frame %d of camera '%s' (%dx%d %s) needs %,d bytes in Kafka, over the %,d-byte limit"
                        + " set by %s. Lower --size, use --encoding JPEG, or raise %s.",
                frame.getSeq(), frame.getCameraId(), frame.getWidth(), frame.getHeight(), frame.getEncoding(), bytes,
                limit.bytes(), limit.setting(), limit.howToRaise());
    }

    /** Length of Avro's zig-zag varint encoding of {@code value}. */
    static int varLongBytes(long value) {
        long zigzag = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((zigzag & ~0x7FL) != 0) {
            zigzag >>>= 7;
            bytes++;
        }
        return bytes;
    }
}

package clipstream.job.records;

import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.flink.AvroRecordTypeInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.flink.util.OutputTag;

/**
 * Builds the {@link DeadLetter} records that operators send to the dead-letter side output.
 *
 * <p>A letter keeps the original key and value whole up to {@link #MAX_BYTES_KEPT} bytes each; of a longer one it
 * keeps that prefix and says so at the end of its message in a fixed form,
 * {@code [value truncated: LENGTH bytes, sha256 HEX; value holds the first KEPT]} (likewise {@code key}), so the
 * original can be matched against the source record it points at. Why: a frame record may be as large as the
 * frames topic allows, and a letter carrying all of it would be above the dead-letter producer's
 * {@code max.request.size} (1 MiB by default): the sink would throw and fail the job instead of writing the
 * letter. Key and value kept whole fit with room to spare: the key is written twice (the Kafka key and the
 * letter's field), so a letter is at most 3 × 64 KiB plus its message.
 */
public final class FrameDeadLetters {
    /** The side output every operator that refuses input writes to; the topology sends it to the DLQ topic. */
    public static final OutputTag<DeadLetter> OUTPUT =
            new OutputTag<>("dead-letters", new AvroRecordTypeInfo<>(DeadLetter.class));

    /** Key or value bytes kept whole in a letter; of longer ones, the prefix kept. */
    public static final int MAX_BYTES_KEPT = 64 * 1024;

    private FrameDeadLetters() {
    }

    /** A dead letter carrying the record's original key and value bytes (a prefix of very long ones). */
    public static DeadLetter of(RawRecord record, DeadLetterReason reason, String message, long now) {
        StringBuilder text = new StringBuilder(message);
        ByteBuffer key = kept("key", record.key(), text);
        ByteBuffer value = kept("value", record.value(), text);
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(key)
                .setValue(value)
                .setReason(reason)
                .setMessage(text.toString())
                .setTime(java.time.Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * A dead letter for a frame refused after validation. The original value bytes are not carried past
     * validation (frames travel decoded), so the letter points at the source record instead; the key is the
     * camera id, as on the frames topic.
     */
    public static DeadLetter of(ValidatedFrame frame, DeadLetterReason reason, String message, long now) {
        return pointingAt(frame.cameraId(), frame.sourceTopic(), frame.sourcePartition(), frame.sourceOffset(), reason,
                message, now);
    }

    /**
     * A dead letter for poses refused after validation (by the tracking): like a frame's, it points at the source
     * record, keyed by the camera id.
     */
    public static DeadLetter of(UntrackedPoses poses, DeadLetterReason reason, String message, long now) {
        return pointingAt(poses.cameraId(), poses.sourceTopic(), poses.sourcePartition(), poses.sourceOffset(), reason,
                message, now);
    }

    private static DeadLetter pointingAt(String cameraId, String topic, int partition, long offset,
                                         DeadLetterReason reason, String message, long now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(ByteBuffer.wrap(cameraId.getBytes(StandardCharsets.UTF_8)))
                .setValue(null)
                .setReason(reason)
                .setMessage(message + " (value not kept after validation: read it at " + topic + "/" + partition + "@"
                        + offset + ")")
                .setTime(java.time.Instant.ofEpochMilli(now))
                .build();
    }

    /** {@code bytes} whole, or their first {@link #MAX_BYTES_KEPT} with length and hash appended to the message. */
    private static ByteBuffer kept(String field, byte[] bytes, StringBuilder message) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length <= MAX_BYTES_KEPT) {
            return ByteBuffer.wrap(bytes);
        }
        message.append(" [").append(field).append(" truncated: ").append(bytes.length).append(" bytes, sha256 ")
                .append(sha256(bytes)).append("; ").append(field).append(" holds the first ").append(MAX_BYTES_KEPT)
                .append(']');
        return ByteBuffer.wrap(Arrays.copyOf(bytes, MAX_BYTES_KEPT));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

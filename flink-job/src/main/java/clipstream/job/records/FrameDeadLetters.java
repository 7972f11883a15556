package clipstream.job.records;

import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.flink.AvroRecordTypeInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.util.OutputTag;

/** Builds the {@link DeadLetter} records that operators send to the dead-letter side output. */
public final class FrameDeadLetters {
    /** The side output every operator that refuses input writes to; the topology sends it to the DLQ topic. */
    public static final OutputTag<DeadLetter> OUTPUT =
            new OutputTag<>("dead-letters", new AvroRecordTypeInfo<>(DeadLetter.class));

    private FrameDeadLetters() {
    }

    /** A dead letter carrying the record's original key and value bytes. */
    public static DeadLetter of(RawRecord record, DeadLetterReason reason, String message, long now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(reason)
                .setMessage(message)
                .setTime(java.time.Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * A dead letter for a frame refused after validation. The original value bytes are not carried past
     * validation (frames travel decoded), so the letter points at the source record instead; the key is the
     * camera id, as on the frames topic.
     */
    public static DeadLetter of(ValidatedFrame frame, DeadLetterReason reason, String message, long now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(frame.sourceTopic())
                .setSourcePartition(frame.sourcePartition())
                .setSourceOffset(frame.sourceOffset())
                .setKey(ByteBuffer.wrap(frame.cameraId().getBytes(StandardCharsets.UTF_8)))
                .setValue(null)
                .setReason(reason)
                .setMessage(message + " (value not kept after validation: read it at " + frame.sourceTopic() + "/"
                        + frame.sourcePartition() + "@" + frame.sourceOffset() + ")")
                .setTime(java.time.Instant.ofEpochMilli(now))
                .build();
    }
}

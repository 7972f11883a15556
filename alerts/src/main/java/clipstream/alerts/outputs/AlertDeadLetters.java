package clipstream.alerts.outputs;

import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the dead-letter records (schema {@link DeadLetter}) for the alerting consumer's dead-letter topic. */
public final class AlertDeadLetters {
    private static final RecordEncoder<DeadLetter> ENCODER = RecordEncoder.of(DeadLetter.class);

    private final String topic;

    public AlertDeadLetters(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** A dead letter for {@code source}, keyed like it, carrying its bytes unchanged. */
    public ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> source, DeadLetterReason reason,
                                             String message) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                .setValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
                .setReason(reason)
                .setMessage(message)
                .setTime(Instant.now())
                .build();
        return new ProducerRecord<>(topic, source.key(), ENCODER.toBytes(letter));
    }
}

package clipstream.job.sink;

import clipstream.job.config.KafkaSettings;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.PersonPoses;
import clipstream.schema.flink.AvroSerializationSchema;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job's Kafka sinks: clip events (key: camera id), dead letters (key: the original record's key) and, when the
 * people path runs, person poses (key: camera id).
 * Exactly-once by default, through Kafka transactions committed on checkpoints; each sink has its own
 * transactional id prefix ({@code PREFIX-events}, {@code PREFIX-dlq}) so two jobs or two sinks never fence
 * each other.
 *
 * <p>Record timestamps never come from a camera unchecked: brokers refuse a timestamp more than
 * {@code log.message.timestamp.after.max.ms} ahead of their clock (1 h by default, less where a cluster says so)
 * and the producer throws on a negative one, and either would fail the job. An event is stamped with its
 * {@code end_time} when that is not ahead of the time it is written, a dead letter with the time it was
 * dead-lettered; anything else gets the time of writing ({@link #writableTimestamp}).
 */
public final class KafkaSinks {
    private KafkaSinks() {
    }

    public static KafkaSink<ClipEvent> events(KafkaSettings kafka) {
        return KafkaSink.<ClipEvent>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-events")
                .setRecordSerializer(clipEventRecords(kafka.eventsTopic(), Clock.systemUTC()))
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetters(KafkaSettings kafka) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-dlq")
                .setRecordSerializer(deadLetterRecords(kafka.deadLetterTopic(), Clock.systemUTC()))
                .build();
    }

    /** The people path's poses, keyed by camera id, stamped with the frame's capture time where writable. */
    public static KafkaSink<PersonPoses> poses(KafkaSettings kafka, String topic) {
        return KafkaSink.<PersonPoses>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-poses")
                .setRecordSerializer(personPosesRecords(topic, Clock.systemUTC()))
                .build();
    }

    private static java.util.Properties producerConfig(KafkaSettings kafka) {
        java.util.Properties config = kafka.clientConfig();
        config.setProperty("transaction.timeout.ms", Long.toString(kafka.transactionTimeout().toMillis()));
        return config;
    }

    /**
     * The Kafka timestamp for a record whose own time is {@code time}, written at {@code now}: {@code time} when it
     * is neither negative nor ahead of {@code now}, else {@code now}. Every broker takes it, whatever its
     * {@code log.message.timestamp.after.max.ms}.
     */
    static long writableTimestamp(long time, long now) {
        return time >= 0 && time <= now ? time : now;
    }

    /**
     * An Avro record type on its topic, keyed and stamped as {@code key} and {@code time} say of each record; the
     * stream record's own timestamp is ignored (it may be a refused frame's capture time).
     */
    static final class AvroRecords<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;

        /** The Kafka key of a record; null for none. */
        interface Key<T> extends Serializable {
            byte[] of(T record);
        }

        /** The record's own time in epoch milliseconds, before {@link #writableTimestamp} checks it. */
        interface Time<T> extends Serializable {
            long of(T record);
        }

        private final String topic;
        private final Clock clock;
        private final Key<T> key;
        private final Time<T> time;
        private final AvroSerializationSchema<T> values;

        AvroRecords(Class<T> type, String topic, Clock clock, Key<T> key, Time<T> time) {
            this.topic = topic;
            this.clock = clock;
            this.key = key;
            this.time = time;
            this.values = new AvroSerializationSchema<>(type);
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, writableTimestamp(time.of(record), clock.millis()),
                    key.of(record), values.serialize(record));
        }
    }

    /** Events keyed by camera id, so a camera's events stay in order in one partition; stamped with their end time. */
    static AvroRecords<ClipEvent> clipEventRecords(String topic, Clock clock) {
        return new AvroRecords<>(ClipEvent.class, topic, clock, event -> utf8(event.getCameraId()),
                event -> event.getEndTime().toEpochMilli());
    }

    /** Poses keyed by camera id, so a camera's poses stay in order in one partition; stamped with the capture time. */
    static AvroRecords<PersonPoses> personPosesRecords(String topic, Clock clock) {
        return new AvroRecords<>(PersonPoses.class, topic, clock, poses -> utf8(poses.getCameraId()),
                poses -> poses.getCaptureTime().toEpochMilli());
    }

    /** Dead letters keyed like the record they stand for, stamped with the time they were dead-lettered. */
    static AvroRecords<DeadLetter> deadLetterRecords(String topic, Clock clock) {
        return new AvroRecords<>(DeadLetter.class, topic, clock, letter -> bytes(letter.getKey()),
                letter -> letter.getTime().toEpochMilli());
    }

    private static byte[] utf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}

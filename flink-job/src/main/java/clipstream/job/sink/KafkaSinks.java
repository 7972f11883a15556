package clipstream.job.sink;

import clipstream.job.config.KafkaSettings;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.PersonPoses;
import clipstream.schema.flink.AvroSerializationSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
                .setRecordSerializer(new ClipEventRecords(kafka.eventsTopic(), Clock.systemUTC()))
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetters(KafkaSettings kafka) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-dlq")
                .setRecordSerializer(new DeadLetterRecords(kafka.deadLetterTopic(), Clock.systemUTC()))
                .build();
    }

    /** The people path's poses, keyed by camera id, stamped with the frame's capture time where writable. */
    public static KafkaSink<PersonPoses> poses(KafkaSettings kafka, String topic) {
        return KafkaSink.<PersonPoses>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-poses")
                .setRecordSerializer(new PersonPosesRecords(topic, Clock.systemUTC()))
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

    /** Events keyed by camera id, so a camera's events stay in order in one partition; stamped with their end time. */
    static final class ClipEventRecords implements KafkaRecordSerializationSchema<ClipEvent> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final Clock clock;
        private final AvroSerializationSchema<ClipEvent> values = new AvroSerializationSchema<>(ClipEvent.class);

        ClipEventRecords(String topic, Clock clock) {
            this.topic = topic;
            this.clock = clock;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(ClipEvent event, KafkaSinkContext context, Long timestamp) {
            long time = writableTimestamp(event.getEndTime().toEpochMilli(), clock.millis());
            return new ProducerRecord<>(topic, null, time, event.getCameraId().getBytes(StandardCharsets.UTF_8),
                    values.serialize(event));
        }
    }

    /** Poses keyed by camera id, so a camera's poses stay in order in one partition; stamped with the capture time. */
    static final class PersonPosesRecords implements KafkaRecordSerializationSchema<PersonPoses> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final Clock clock;
        private final AvroSerializationSchema<PersonPoses> values = new AvroSerializationSchema<>(PersonPoses.class);

        PersonPosesRecords(String topic, Clock clock) {
            this.topic = topic;
            this.clock = clock;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(PersonPoses poses, KafkaSinkContext context, Long timestamp) {
            long time = writableTimestamp(poses.getCaptureTime().toEpochMilli(), clock.millis());
            return new ProducerRecord<>(topic, null, time, poses.getCameraId().getBytes(StandardCharsets.UTF_8),
                    values.serialize(poses));
        }
    }

    /** Dead letters keyed like the record they stand for, stamped with the time they were dead-lettered. */
    static final class DeadLetterRecords implements KafkaRecordSerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final Clock clock;
        private final AvroSerializationSchema<DeadLetter> values = new AvroSerializationSchema<>(DeadLetter.class);

        DeadLetterRecords(String topic, Clock clock) {
            this.topic = topic;
            this.clock = clock;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        /** {@code timestamp}, the stream record's, is ignored: it may be a refused frame's capture time. */
        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
            long time = writableTimestamp(letter.getTime().toEpochMilli(), clock.millis());
            return new ProducerRecord<>(topic, null, time, bytes(letter.getKey()), values.serialize(letter));
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
}

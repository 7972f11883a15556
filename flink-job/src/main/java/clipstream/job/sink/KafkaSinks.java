package clipstream.job.sink;

import clipstream.job.config.KafkaSettings;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.flink.AvroSerializationSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The job's two Kafka sinks: clip events (key: camera id) and dead letters (key: the original record's key).
 * Exactly-once by default, through Kafka transactions committed on checkpoints; each sink has its own
 * transactional id prefix ({@code PREFIX-events}, {@code PREFIX-dlq}) so two jobs or two sinks never fence
 * each other.
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
                .setRecordSerializer(KafkaRecordSerializationSchema.<ClipEvent>builder()
                        .setTopic(kafka.eventsTopic())
                        .setKeySerializationSchema(new CameraIdKey())
                        .setValueSerializationSchema(new AvroSerializationSchema<>(ClipEvent.class))
                        .build())
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetters(KafkaSettings kafka) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(producerConfig(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(kafka.delivery())
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-dlq")
                .setRecordSerializer(new DeadLetterRecords(kafka.deadLetterTopic()))
                .build();
    }

    private static java.util.Properties producerConfig(KafkaSettings kafka) {
        java.util.Properties config = kafka.clientConfig();
        config.setProperty("transaction.timeout.ms", Long.toString(kafka.transactionTimeout().toMillis()));
        return config;
    }

    /** The event's camera id as its Kafka key, so a camera's events stay in order in one partition. */
    static final class CameraIdKey implements SerializationSchema<ClipEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(ClipEvent event) {
            return event.getCameraId().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Dead letters keyed like the record they stand for. */
    static final class DeadLetterRecords implements KafkaRecordSerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final AvroSerializationSchema<DeadLetter> values = new AvroSerializationSchema<>(DeadLetter.class);

        DeadLetterRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            values.open(context);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, bytes(letter.getKey()), values.serialize(letter));
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

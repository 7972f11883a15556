package clipstream.ingest.publish;

import clipstream.schema.Frame;
import clipstream.schema.PersonPoses;
import clipstream.schema.kafka.AvroSerializer;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka producer ingest writes frames (and the poses of synthetic-people cameras) with: idempotent
 * ({@code enable.idempotence}, {@code acks=all}) so a retried batch is never duplicated or reordered per camera, keyed
 * by camera id, values in the schemas module's Avro single-object encoding, placed by Kafka's default partitioning of
 * the key (each camera in one partition, in order; {@link PublishedSeqs} reads its last seq back from there). One
 * producer serves every camera of a process (it is thread-safe).
 */
public final class FrameProducers {
    /** A frame is tens of KB: batches of many frames and a short linger keep requests few without adding lag. */
    static final int BATCH_BYTES = 1 << 20;
    static final int LINGER_MS = 5;

    private FrameProducers() {
    }

    /** Producer properties for {@code bootstrap}; {@code overrides} (from --producer-property) win, except safety. */
    public static Properties properties(String bootstrap, Map<String, String> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "clipstream-ingest");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_BYTES));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
        props.putAll(overrides);
        for (String safety : new String[] {ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG}) {
            if (overrides.containsKey(safety)) {
                throw new IllegalArgumentException("--producer-property " + safety + " cannot be changed: ingest"
                        + " relies on the idempotent producer (acks=all, enable.idempotence=true)");
            }
        }
        for (String placement : new String[] {ProducerConfig.PARTITIONER_CLASS_CONFIG,
                ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG}) {
            if (overrides.containsKey(placement)) {
                throw new IllegalArgumentException("--producer-property " + placement + " cannot be changed: ingest"
                        + " relies on Kafka's default partitioning by key (a camera's frames in one partition, in"
                        + " order, where a restart reads its last seq back)");
            }
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }

    /**
     * Caps {@code batch.size} at the topic's record size limit. The broker checks whole batches against
     * {@code max.message.bytes}; a too-large batch is split and retried by the producer, which with idempotence
     * can end in OUT_OF_ORDER_SEQUENCE_NUMBER retries until delivery.timeout.ms. Frames that pass the
     * {@link FrameSizeGuard} then always travel in batches the broker accepts.
     */
    public static Properties fitBatchesTo(Properties properties, MessageSizeLimit limit) {
        Properties fitted = new Properties();
        fitted.putAll(properties);
        Object batch = properties.get(ProducerConfig.BATCH_SIZE_CONFIG);
        int current = batch == null ? BATCH_BYTES : Integer.parseInt(batch.toString().strip());
        fitted.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(current, limit.bytes())));
        return fitted;
    }

    public static KafkaProducer<String, Frame> create(Properties properties) {
        return new KafkaProducer<>(properties, new StringSerializer(), new AvroSerializer<>(Frame.class));
    }

    /**
     * The same producer for the {@code PersonPoses} of cameras that run pose estimation themselves (synthetic-people
     * cameras): idempotent, keyed by camera id, placed by the key's default partitioning, as frames are.
     */
    public static KafkaProducer<String, PersonPoses> createForPoses(Properties properties) {
        return new KafkaProducer<>(properties, new StringSerializer(), new AvroSerializer<>(PersonPoses.class));
    }

    /** The {@code max.request.size} these properties give the producer (Kafka's default when unset). */
    public static int maxRequestSize(Properties properties) {
        Object value = properties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? 1024 * 1024 : Integer.parseInt(value.toString().strip());
    }
}

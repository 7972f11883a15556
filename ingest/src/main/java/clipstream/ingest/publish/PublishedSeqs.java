package clipstream.ingest.publish;

import clipstream.schema.Frame;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest seq each camera has on the frames topic (or, for cameras of poses, on the poses topic), read back from
 * the tail of the partition its key goes to: where a restarted ingest continues its cameras' seqs. The topic itself
 * is the record of what Kafka acknowledged (acks=all: a record is readable once it is acknowledged), so a restart
 * continues right after the last frame the job can have seen, whichever host sent it and however that run ended, and
 * nothing else has to be kept.
 *
 * <p>Only committed records count (read_committed: a transactional writer's aborted records are skipped). Records of
 * other cameras sharing the partition are passed over, and so are records under the camera's key that do not decode
 * as a Frame of that camera or have a negative seq (the job refuses those too). The tail is read backwards, a chunk
 * at a time, until every camera asked for is found, the start of the partition is reached or
 * {@link #DEFAULT_LOOKBACK_BYTES} have been read: a camera whose last frame lies further back (retention deleted it,
 * the partition is busy with other cameras, it was idle for long) counts as having none.
 */
public final class PublishedSeqs {
    private static final Logger log = LoggerFactory.getLogger(PublishedSeqs.class);

    /**
     * Bytes of one partition's tail read at most: bounds what a start costs when a camera is new (about 1,700 frames
     * of 112x112 RGB24, 5,000 of 64x64 RGB24, tens of thousands of JPEG ones).
     */
    static final long DEFAULT_LOOKBACK_BYTES = 64L << 20;
    /** Records read per step backwards: a camera restarted with its process is found in the first step. */
    static final int DEFAULT_CHUNK_RECORDS = 256;
    private static final Duration POLL = Duration.ofMillis(200);

    private final Properties consumerProperties;
    private final Duration timeout;
    private final long lookbackBytes;
    private final int chunkRecords;
    private final RecordDecoder<Frame> frames = RecordDecoder.of(Frame.class);
    private final RecordDecoder<PersonPoses> poses = RecordDecoder.of(PersonPoses.class);

    /** Reads with the producer's connection settings (bootstrap, security ...), {@code timeout} on every Kafka call. */
    public PublishedSeqs(Properties producerProperties, Duration timeout) {
        this(producerProperties, timeout, DEFAULT_LOOKBACK_BYTES, DEFAULT_CHUNK_RECORDS);
    }

    /** For tests: a smaller look-back and chunk. */
    PublishedSeqs(Properties producerProperties, Duration timeout, long lookbackBytes, int chunkRecords) {
        this.consumerProperties = consumerProperties(producerProperties, timeout);
        this.timeout = timeout;
        this.lookbackBytes = lookbackBytes;
        this.chunkRecords = chunkRecords;
    }

    private static Properties consumerProperties(Properties producerProperties, Duration timeout) {
        Properties props = new Properties();
        for (String key : producerProperties.stringPropertyNames()) {
            if (ConsumerConfig.configNames().contains(key)) {
                props.put(key, producerProperties.getProperty(key));
            }
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "clipstream-ingest-resume");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // a chunk whose start retention has just deleted is read from the partition's new start
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return props;
    }

    /**
     * The highest seq of each of {@code cameraIds} on {@code topic}, where ingest's producer puts their frames (Kafka's
     * default partitioning of the camera id key); cameras with none in the tail read are absent. A topic that does
     * not exist has none.
     *
     * @throws IllegalStateException when Kafka does not answer within the timeout
     */
    public Map<String, Long> highest(String topic, Collection<String> cameraIds) {
        return highest(topic, cameraIds, this::frameSeq);
    }

    /**
     * The highest seq of each of {@code cameraIds} on the poses topic {@code topic}, read back as {@link #highest}
     * reads frames: where a restarted synthetic-people camera continues.
     */
    public Map<String, Long> highestPoses(String topic, Collection<String> cameraIds) {
        return highest(topic, cameraIds, this::posesSeq);
    }

    /** Reads a record's seq when it is one of the camera's; -1 otherwise. */
    private interface SeqOf {
        long read(String camera, byte[] value) throws RecordDecodeException;
    }

    private Map<String, Long> highest(String topic, Collection<String> cameraIds, SeqOf seqOf) {
        Map<String, Long> highest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return Map.of();
            }
            Map<Integer, Set<String>> byPartition = new TreeMap<>();
            for (String cameraId : cameraIds) {
                int partition = BuiltInPartitioner.partitionForKey(cameraId.getBytes(StandardCharsets.UTF_8),
                        partitions.size());
                byPartition.computeIfAbsent(partition, p -> new HashSet<>()).add(cameraId);
            }
            byPartition.forEach((partition, cameras) ->
                    highest.putAll(scan(consumer, new TopicPartition(topic, partition), cameras, seqOf)));
        } catch (UnknownTopicOrPartitionException e) {
            return Map.of();
        } catch (KafkaException e) {
            throw new IllegalStateException("Cannot read the last seqs of the cameras back from topic '" + topic
                    + "' (" + e.getMessage() + "): is --bootstrap right and the broker up? --start-seq auto or N"
                    + " starts without reading them", e);
        }
        return highest;
    }

    /** Reads {@code partition} backwards from its end until each of {@code cameras} is found or the look-back ends. */
    private Map<String, Long> scan(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition,
                                   Set<String> cameras, SeqOf seqOf) {
        long begin = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition); // read_committed: stable end
        consumer.assign(List.of(partition));
        Map<String, byte[]> keys = new HashMap<>();
        cameras.forEach(camera -> keys.put(camera, camera.getBytes(StandardCharsets.UTF_8)));
        Map<String, Long> highest = new HashMap<>();
        long bytesRead = 0;
        long upTo = end;
        while (highest.size() < cameras.size() && upTo > begin && bytesRead < lookbackBytes) {
            long from = Math.max(begin, upTo - chunkRecords);
            consumer.seek(partition, from);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < upTo) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Reading offsets " + from + "-" + upTo + " of " + partition
                            + " back took more than " + timeout.toSeconds() + " s: is the broker overloaded?"
                            + " --start-seq auto or N starts without reading them");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= upTo) {
                        continue; // read in the step before
                    }
                    bytesRead += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                    keys.forEach((camera, key) -> {
                        if (Arrays.equals(key, record.key())) {
                            long seq = seqOf(camera, record, seqOf);
                            if (seq >= 0) {
                                highest.merge(camera, seq, Math::max);
                            }
                        }
                    });
                }
            }
            upTo = from;
        }
        log.debug("Read {} bytes of {} back from offset {}: {}", bytesRead, partition, upTo, highest);
        return highest;
    }

    /** The seq of a record under {@code camera}'s key, or -1 when it is not a valid record of that camera. */
    private static long seqOf(String camera, ConsumerRecord<byte[], byte[]> record, SeqOf seqOf) {
        if (record.value() == null) {
            return -1;
        }
        try {
            return seqOf.read(camera, record.value());
        } catch (RecordDecodeException e) {
            log.warn("Record at offset {} of {} under camera {}'s key is not one of its records ({}); passed over when"
                    + " resuming its seq", record.offset(), record.topic() + "-" + record.partition(), camera,
                    e.getMessage());
            return -1;
        }
    }

    private long frameSeq(String camera, byte[] value) throws RecordDecodeException {
        Frame frame = frames.decode(value);
        return camera.contentEquals(frame.getCameraId()) ? frame.getSeq() : -1;
    }

    private long posesSeq(String camera, byte[] value) throws RecordDecodeException {
        PersonPoses record = poses.decode(value);
        return camera.contentEquals(record.getCameraId()) ? record.getSeq() : -1;
    }
}

package clipstream.it.e2e;

import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a topic holds for a read_committed reader, read on the test's thread from the beginning (no consumer group)
 * and decoded with the schemas codec: every record is kept, duplicates included, so a test can count them.
 * {@link #uncommitted} reads as a read_uncommitted reader instead: aborted transactions' records too.
 */
final class CommittedTopic<T extends SpecificRecord> implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    /** One record as read: where it was and its decoded value. */
    record Received<T>(int partition, long offset, byte[] key, T value) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordDecoder<T> decoder;
    private final List<TopicPartition> partitions;
    private final List<Received<T>> received = new ArrayList<>();

    CommittedTopic(String bootstrap, String topic, Class<T> type) {
        this(bootstrap, topic, type, "read_committed");
    }

    /** The topic as a read_uncommitted reader sees it: committed records and those of aborted transactions. */
    static <T extends SpecificRecord> CommittedTopic<T> uncommitted(String bootstrap, String topic, Class<T> type) {
        return new CommittedTopic<>(bootstrap, topic, type, "read_uncommitted");
    }

    private CommittedTopic(String bootstrap, String topic, Class<T> type, String isolation) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-reader-" + topic);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = RecordDecoder.of(type);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One poll; what it brings is added to {@link #received()}. */
    void poll() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            try {
                received.add(new Received<>(record.partition(), record.offset(), record.key(),
                        decoder.decode(record.value())));
            } catch (RecordDecodeException e) {
                throw new AssertionError("Undecodable record at " + record.topic() + "-" + record.partition() + "@"
                        + record.offset() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Polls until {@code done} holds for what was received, checking the job between polls (it fails the wait at
     * once with the job's exception when the job fails or restarts unexpectedly).
     */
    List<Received<T>> awaitUntil(Predicate<List<Received<T>>> done, Duration timeout, RunningJob job, String what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(received)) {
            if (job != null) {
                job.check();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what + "; got "
                        + received.size() + " records");
            }
            poll();
        }
        return received();
    }

    /** Waits until at least {@code count} records were received. */
    List<Received<T>> awaitCount(int count, Duration timeout, RunningJob job, String what) throws Exception {
        return awaitUntil(r -> r.size() >= count, timeout, job, count + " " + what);
    }

    /** Reads on up to the end of every partition as it is now (for read_committed: the last stable offset). */
    List<Received<T>> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Could not read " + partitions + " up to " + end + " within "
                        + timeout.toSeconds() + " s");
            }
            poll();
        }
        return received();
    }

    List<Received<T>> received() {
        return List.copyOf(received);
    }

    List<T> values() {
        return received.stream().map(Received::value).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** Records of {@code topic} not yet committed by consumer {@code group}: end offsets minus committed offsets. */
    static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (var partition : admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions()) {
            latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
        }
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }
}

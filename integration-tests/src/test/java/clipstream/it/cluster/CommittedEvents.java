package clipstream.it.cluster;

import clipstream.schema.ClipEvent;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a consumer that reads committed sees on a topic, from the beginning, tallied on the caller's thread: every
 * record counted (so a duplicate shows), events by id, and which records could not be decoded.
 */
final class CommittedEvents implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final RecordDecoder<ClipEvent> decoder = RecordDecoder.of(ClipEvent.class);
    private final Map<String, ClipEvent> byId = new HashMap<>();
    private final Map<String, Integer> copies = new HashMap<>();
    private final List<String> undecodable = new ArrayList<>();
    private long records;

    CommittedEvents(String bootstrap, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "clipstream-cluster-test-" + topic);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what is there now (one poll); returns whether it reached the last committed offset of every partition. */
    boolean poll() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            records++;
            try {
                ClipEvent event = decoder.decode(record.value());
                byId.putIfAbsent(event.getEventId(), event);
                copies.merge(event.getEventId(), 1, Integer::sum);
            } catch (RecordDecodeException e) {
                undecodable.add(record.partition() + "@" + record.offset() + ": " + e.getMessage());
            }
        }
        boolean atEnd = true;
        for (var end : consumer.endOffsets(partitions, Duration.ofSeconds(10)).entrySet()) {
            atEnd &= consumer.position(end.getKey(), Duration.ofSeconds(10)) >= end.getValue();
        }
        return atEnd;
    }

    long records() {
        return records;
    }

    Map<String, ClipEvent> events() {
        return byId;
    }

    /** Event ids read more than once, with how often. */
    Map<String, Integer> duplicates() {
        Map<String, Integer> duplicates = new HashMap<>();
        copies.forEach((id, n) -> {
            if (n > 1) {
                duplicates.put(id, n);
            }
        });
        return duplicates;
    }

    List<String> undecodable() {
        return undecodable;
    }

    /** Whether an event of a clip that ended after {@code epochMs} (capture time) has been read. */
    boolean anyEndedAfter(long epochMs) {
        return byId.values().stream().anyMatch(event -> event.getEndTime().toEpochMilli() > epochMs);
    }

    /** How many events of clips that ended after {@code epochMs} have been read. */
    long countEndedAfter(long epochMs) {
        return byId.values().stream().filter(event -> event.getEndTime().toEpochMilli() > epochMs).count();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}

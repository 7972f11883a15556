package clipstream.alerts.state;

import clipstream.alerts.engine.CameraSnapshot;
import clipstream.alerts.engine.StateChange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The compacted topic that holds the rule engine's per-camera state (see the package documentation). */
public final class StateTopic {
    private static final Logger LOG = LoggerFactory.getLogger(StateTopic.class);
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(2);

    private final String topic;
    private final Properties consumerProperties;

    /** {@code clientProperties}: bootstrap servers and any client overrides; group and isolation are set here. */
    public StateTopic(String topic, Properties clientProperties) {
        this.topic = topic;
        this.consumerProperties = new Properties();
        consumerProperties.putAll(clientProperties);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumerProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }

    public String topic() {
        return topic;
    }

    /**
     * The record that stores {@code change} in state partition {@code change.partition()} (= the input partition of
     * the camera's events): its snapshot, or a tombstone (null value) for a forgotten camera, which compaction then
     * removes together with the camera's earlier snapshots.
     */
    public ProducerRecord<String, byte[]> record(StateChange change) {
        byte[] value = change.forgotten() ? null : SnapshotCodec.encode(change.snapshot());
        return new ProducerRecord<>(topic, change.partition(), change.camera(), value);
    }

    /**
     * Reads the committed state of {@code partitions}: partition → camera → latest snapshot.
     *
     * @throws IllegalStateException if a stored value cannot be read or the topic cannot be read to its end in time
     */
    public Map<Integer, Map<String, CameraSnapshot>> restore(Set<Integer> partitions) {
        Map<Integer, Map<String, CameraSnapshot>> state = new HashMap<>();
        if (partitions.isEmpty()) {
            return state;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p))
                .collect(Collectors.toList());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties,
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            Instant deadline = Instant.now().plus(RESTORE_TIMEOUT);
            while (!reachedEnd(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Could not read state topic " + topic + " partitions " + partitions
                            + " to its end within " + RESTORE_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(state.computeIfAbsent(record.partition(), p -> new HashMap<>()), record);
                }
            }
        }
        LOG.info("Restored rule state of {} camera(s) from {} partitions {}",
                state.values().stream().mapToInt(Map::size).sum(), topic, partitions);
        return state;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void apply(Map<String, CameraSnapshot> state, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            state.remove(record.key());
            return;
        }
        try {
            state.put(record.key(), SnapshotCodec.decode(record.value()));
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable rule state for camera '" + record.key() + "' at "
                    + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + "; delete that record (or the state topic, losing streaks and cooldowns) to continue", e);
        }
    }
}

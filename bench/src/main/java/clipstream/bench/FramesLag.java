package clipstream.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Sanitizer;

/**
 * How far the job's consumer is behind on the frames topic, per partition, in two senses:
 * <ul>
 * <li><b>committed lag</b>: end offset (read_committed) − the offset the job's group committed. The Kafka source
 * commits on checkpoint completion the offsets it had at the checkpoint's trigger, so this is by design a sawtooth:
 * about (offered rate × time since the latest completed checkpoint was triggered) + the read lag, between one
 * checkpoint interval of frames and none. Sampled at any period other than a multiple of the checkpoint interval
 * it beats against it (sampled every interval plus a few ms, it climbs slowly for hours).</li>
 * <li><b>read lag</b>: end offset − the job's consumer's position: what it has not fetched yet, the backlog. A job
 * that keeps up holds it flat and small. The position is the consumer's own {@code records-lead} (position − log
 * start offset, as of its latest fetch; the position moves only with fetches) plus the log start offset, read
 * in-process through JMX: the bench runs the job in this JVM. The consumer's {@code records-lag} would not do: it
 * is computed against the end offset of its latest fetch, so it stands still, small, while a backpressured source
 * does not fetch.</li>
 * </ul>
 */
final class FramesLag {
    /** One frames partition: end offset, the group's committed offset and the consumer's position (-1: none yet). */
    record Partition(int partition, long end, long committed, long position) {
        long committedLag() {
            return end - committed;
        }

        /** Frames the consumer has not fetched; the whole partition while it has no position yet. */
        long readLag() {
            return end - Math.max(0, position);
        }
    }

    private final Admin admin;
    private final String group;
    private final String topic;
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    FramesLag(Admin admin, String group, String topic) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
    }

    /** The lag of every partition of the topic now, in partition order. */
    List<Partition> partitions() throws Exception {
        Map<Integer, Long> leads = leads();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        List<TopicPartition> topicPartitions = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        var starts = offsets(topicPartitions, OffsetSpec.earliest());
        var ends = offsets(topicPartitions, OffsetSpec.latest());
        List<Partition> partitions = new ArrayList<>();
        for (TopicPartition p : topicPartitions) {
            OffsetAndMetadata at = committed.get(p);
            Long lead = leads.get(p.partition());
            partitions.add(new Partition(p.partition(), ends.get(p), at == null ? 0 : at.offset(),
                    lead == null ? -1 : starts.get(p) + lead));
        }
        partitions.sort(Comparator.comparingInt(Partition::partition));
        return partitions;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS)
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /**
     * The {@code records-lead} of the job's frames consumer per partition (Kafka registers it per fetched partition;
     * the Kafka source's client ids start with its group id).
     */
    private Map<Integer, Long> leads() throws JMException {
        Map<Integer, Long> leads = new TreeMap<>();
        ObjectName pattern = new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic="
                + Sanitizer.jmxSanitize(topic) + ",partition=*");
        for (ObjectName name : mbeans.queryNames(pattern, null)) {
            if (!name.getKeyProperty("client-id").startsWith(group)) {
                continue;
            }
            Object value = mbeans.getAttribute(name, "records-lead");
            if (value instanceof Number number && !Double.isNaN(number.doubleValue())) {
                leads.put(Integer.parseInt(name.getKeyProperty("partition")), number.longValue());
            }
        }
        return leads;
    }
}

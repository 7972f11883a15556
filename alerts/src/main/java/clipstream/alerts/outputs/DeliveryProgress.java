package clipstream.alerts.outputs;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which polled alerts the webhook dispatcher has not finished yet (delivered to each of their webhooks or
 * dead-lettered), per partition, and so how far it may commit: up to the oldest unfinished alert. Webhooks finish
 * alerts out of order (a healthy one runs ahead of a dead one), so a committed offset never passes an alert that some
 * webhook still owes; after a crash everything from there is delivered again (at-least-once).
 *
 * <p>Thread-safe: the dispatcher polls and commits while the webhook lanes finish alerts.
 */
final class DeliveryProgress {
    private final Map<TopicPartition, PartitionProgress> partitions = new HashMap<>();

    /** Registers {@code record}, polled, which {@code deliveries} deliveries (or dead letters) have to finish. */
    synchronized Pending polled(ConsumerRecord<byte[], byte[]> record, int deliveries) {
        PartitionProgress partition = partitions.computeIfAbsent(
                new TopicPartition(record.topic(), record.partition()), p -> new PartitionProgress());
        return partition.polled(record.offset(), deliveries);
    }

    /** The partitions that alerts were polled from (and not given up since). */
    synchronized Set<TopicPartition> partitions() {
        return Set.copyOf(partitions.keySet());
    }

    /**
     * Records that the consumer's position on {@code partition} is {@code position}: past the transaction markers
     * that follow its last alert, so that a dispatcher that has finished everything commits to the end of the log.
     */
    synchronized void positionIs(TopicPartition partition, long position) {
        PartitionProgress progress = partitions.get(partition);
        if (progress != null) {
            progress.next = Math.max(progress.next, position);
        }
    }

    /** The offsets to commit for the partitions whose finished prefix grew since the last {@link #committed}. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, progress) -> {
            long upTo = progress.finishedUpTo();
            if (upTo > progress.committed) {
                offsets.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return offsets;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionProgress progress = partitions.get(partition);
            if (progress != null) {
                progress.committed = Math.max(progress.committed, offset.offset());
            }
        });
    }

    /**
     * Drops {@code given} (no longer assigned to this consumer): their alerts not yet finished are
     * {@link Pending#cancelled() cancelled}, and finishing one later commits nothing. Their next owner delivers them.
     */
    synchronized void forget(Collection<TopicPartition> given) {
        for (TopicPartition partition : given) {
            PartitionProgress progress = partitions.remove(partition);
            if (progress != null) {
                progress.cancelled = true;
            }
        }
    }

    /** One polled alert's deliveries still to finish. */
    final class Pending {
        private final PartitionProgress partition;
        private final long offset;

        private Pending(PartitionProgress partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        /** One of the alert's deliveries ended: delivered, or dead-lettered and the dead letter written. */
        void done() {
            synchronized (DeliveryProgress.this) {
                partition.unfinished.computeIfPresent(offset, (o, left) -> left > 1 ? left - 1 : null);
            }
        }

        /** True once the alert's partition went to another consumer: delivering it is that one's job now. */
        boolean cancelled() {
            synchronized (DeliveryProgress.this) {
                return partition.cancelled;
            }
        }
    }

    private final class PartitionProgress {
        /** offset → deliveries left, for the alerts polled and not finished */
        private final TreeMap<Long, Integer> unfinished = new TreeMap<>();
        /** the offset after the latest polled */
        private long next = -1;
        private long committed = -1;
        private boolean cancelled;

        Pending polled(long offset, int deliveries) {
            next = Math.max(next, offset + 1);
            if (deliveries > 0) {
                unfinished.put(offset, deliveries);
            }
            return new Pending(this, offset);
        }

        long finishedUpTo() {
            return unfinished.isEmpty() ? next : unfinished.firstKey();
        }
    }
}

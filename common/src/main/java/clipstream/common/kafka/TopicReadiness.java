package clipstream.common.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until every partition of a topic can take writes: each has a leader and that leader answers for it (a
 * {@code ListOffsets} request succeeds).
 *
 * <p>A topic that was just created is in the cluster's metadata before its partitions are loaded on their
 * brokers. An idempotent producer that sends in between gets NOT_LEADER_OR_FOLLOWER; on Kafka 4.2 its retried
 * first batch can then be refused with OutOfOrderSequenceException once later batches are appended, and the
 * producer fails (docs/benchmarks.md, "Found while benchmarking"). Whoever creates a topic and then writes to it
 * right away waits here first.
 */
public final class TopicReadiness {
    private static final Duration POLL = Duration.ofMillis(50);

    private TopicReadiness() {
    }

    /** The outcome: ready, or the topic does not exist (it may be created on first write, where brokers allow). */
    public enum State {
        READY,
        MISSING
    }

    /**
     * Waits for every partition of {@code topics}, polling the cluster's state until {@code timeout}.
     *
     * @return {@link State#MISSING} when a topic does not exist (nothing to wait for), else {@link State#READY}
     * @throws TimeoutException when a partition is still without an answering leader at the deadline, naming it
     */
    public static State await(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        return await(admin, topics, timeout, false);
    }

    /**
     * Like {@link #await(Admin, Collection, Duration)}, for topics that were just created: a topic the cluster does
     * not know yet (its creation not yet in the answering broker's metadata) is waited for too.
     */
    public static void awaitCreated(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        await(admin, topics, timeout, true);
    }

    private static State await(Admin admin, Collection<String> topics, Duration timeout, boolean created)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer from the cluster";
        while (true) {
            try {
                Map<String, TopicDescription> descriptions;
                try {
                    descriptions = admin.describeTopics(topics).allTopicNames()
                            .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException && !created) {
                        return State.MISSING;
                    }
                    throw e;
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                String leaderless = null;
                for (TopicDescription description : descriptions.values()) {
                    for (var partition : description.partitions()) {
                        if (partition.leader() == null || partition.leader().isEmpty()) {
                            leaderless = description.name() + "-" + partition.partition() + " has no leader";
                        }
                        latest.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
                    }
                }
                if (leaderless == null) {
                    // a partition whose leader has not loaded it yet answers with an error: wait on
                    admin.listOffsets(latest).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    return State.READY;
                }
                last = leaderless;
            } catch (ExecutionException e) {
                last = String.valueOf(e.getCause());
            } catch (TimeoutException e) {
                last = "the cluster did not answer in time";
            }
            if (System.nanoTime() + POLL.toNanos() >= deadline) {
                throw new TimeoutException("Partitions of " + topics + " not writable within " + timeout.toMillis()
                        + " ms: " + last);
            }
            Thread.sleep(POLL.toMillis()); // polling the cluster's state towards a deadline, not waiting out a race
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}

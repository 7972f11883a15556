package clipstream.alerts.pipeline;

import clipstream.alerts.engine.Deduplication;
import clipstream.alerts.engine.RuleEngine;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the alerting consumer connects and which topics it uses. Validated on construction.
 *
 * @param bootstrap       Kafka bootstrap servers, HOST:PORT[,HOST:PORT…]
 * @param group           consumer group of the event loop; the webhook dispatcher uses {@code group + "-webhooks"}
 * @param instanceId      stable id of this instance: its transactional id and static group membership derive from it,
 *                        so a restarted instance fences its crashed predecessor and takes over its partitions at once
 * @param inputTopic      clip events
 * @param stateTopic      compacted rule-state topic (see {@code clipstream.alerts.state})
 * @param dlqTopic        dead letters: undecodable events and alerts no webhook would take
 * @param dedupWindow     event ids remembered per camera for deduplication
 * @param cameraExpiry    event time without an event after which a camera's state is forgotten (unless a cooldown
 *                        runs longer), in memory and on the state topic; see {@link RuleEngine}
 * @param maxClockSkew    how far ahead of the wall clock an event's end time is believed; a later one is taken as
 *                        ending there, so it cannot move its partition's clock (and expire the other cameras) further
 * @param maxPollRecords  events per transaction at most
 * @param webhookQueue    alerts waiting for one webhook at most; one more is dead-lettered at once
 * @param clientOverrides extra Kafka client properties for every client (security, timeouts)
 * @param readUncommitted read the clip events read_uncommitted: alerts without waiting for the job's checkpoint to
 *                        commit them, possibly on events whose transaction then aborts; repeats are then recognised
 *                        by clip ({@link Deduplication#CLIP}). See the README, "Alerts before the commit"
 */
public record AlertsConfig(String bootstrap, String group, String instanceId, String inputTopic, String stateTopic,
                           String dlqTopic, int dedupWindow, Duration cameraExpiry, Duration maxClockSkew,
                           int maxPollRecords, int webhookQueue, Map<String, String> clientOverrides,
                           boolean readUncommitted) {

    public static final String DEFAULT_GROUP = "clipstream-alerts";
    public static final String DEFAULT_INPUT_TOPIC = "clip-events";
    public static final String DEFAULT_STATE_TOPIC = "alerts-state";

    /**
     * Configs of the state topic when the consumer creates it (docker-compose's create-topics uses the same):
     * compacted, with segments of 16 MiB or one hour, whichever comes first. Compaction never cleans the active
     * segment, and Kafka's defaults (1 GiB, 7 days) let the snapshots written with every batch pile up there —
     * gigabytes a restart would read back before the first alert. With these a restart reads at most about one
     * segment per partition more than the latest snapshot of each camera.
     */
    public static final Map<String, String> STATE_TOPIC_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 << 20),
            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));
    public static final String DEFAULT_DLQ_TOPIC = "alerts-dlq";
    public static final int DEFAULT_MAX_POLL_RECORDS = 500;
    /** Alerts waiting per webhook: at 5 s a try, a dead webhook's queue holds hours of them before any overflows. */
    public static final int DEFAULT_WEBHOOK_QUEUE = 1000;

    public AlertsConfig {
        requireText(bootstrap, "--bootstrap");
        requireText(group, "--group");
        requireText(instanceId, "--instance-id");
        requireText(inputTopic, "--input-topic");
        requireText(stateTopic, "--state-topic");
        requireText(dlqTopic, "--dlq-topic");
        if (dedupWindow < 1) {
            throw new IllegalArgumentException("--dedup-window must be at least 1, got " + dedupWindow);
        }
        if (cameraExpiry == null || cameraExpiry.isZero() || cameraExpiry.isNegative()) {
            throw new IllegalArgumentException("--camera-expiry must be more than 0 (e.g. 24h), got " + cameraExpiry);
        }
        if (maxClockSkew == null || maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("--max-clock-skew must be 0 or more (e.g. 5m), got " + maxClockSkew);
        }
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("--max-poll-records must be at least 1, got " + maxPollRecords);
        }
        if (webhookQueue < 1) {
            throw new IllegalArgumentException("--webhook-queue must be at least 1, got " + webhookQueue);
        }
        clientOverrides = Map.copyOf(clientOverrides);
    }

    /** A configuration that reads only committed clip events (the default of the command line). */
    public AlertsConfig(String bootstrap, String group, String instanceId, String inputTopic, String stateTopic,
                        String dlqTopic, int dedupWindow, Duration cameraExpiry, Duration maxClockSkew,
                        int maxPollRecords, int webhookQueue, Map<String, String> clientOverrides) {
        this(bootstrap, group, instanceId, inputTopic, stateTopic, dlqTopic, dedupWindow, cameraExpiry, maxClockSkew,
                maxPollRecords, webhookQueue, clientOverrides, false);
    }

    /**
     * A configuration with the defaults of the command line for the rest: cameras expire after
     * {@link RuleEngine#DEFAULT_CAMERA_EXPIRY}, event times are believed up to
     * {@link RuleEngine#DEFAULT_MAX_CLOCK_SKEW} ahead, {@link #DEFAULT_WEBHOOK_QUEUE} alerts wait per webhook.
     */
    public AlertsConfig(String bootstrap, String group, String instanceId, String inputTopic, String stateTopic,
                        String dlqTopic, int dedupWindow, int maxPollRecords, Map<String, String> clientOverrides) {
        this(bootstrap, group, instanceId, inputTopic, stateTopic, dlqTopic, dedupWindow,
                RuleEngine.DEFAULT_CAMERA_EXPIRY, RuleEngine.DEFAULT_MAX_CLOCK_SKEW, maxPollRecords,
                DEFAULT_WEBHOOK_QUEUE, clientOverrides);
    }

    /** The clip events' isolation level: read_committed, unless {@link #readUncommitted()}. */
    public String inputIsolationLevel() {
        return readUncommitted ? "read_uncommitted" : "read_committed";
    }

    /** How the engine recognises a repeated event: by clip when reading uncommitted events, else by event id. */
    public Deduplication deduplication() {
        return readUncommitted ? Deduplication.CLIP : Deduplication.EVENT_ID;
    }

    /** This configuration reading the clip events uncommitted ({@code --read-uncommitted}) or not. */
    public AlertsConfig withReadUncommitted(boolean uncommitted) {
        return new AlertsConfig(bootstrap, group, instanceId, inputTopic, stateTopic, dlqTopic, dedupWindow,
                cameraExpiry, maxClockSkew, maxPollRecords, webhookQueue, clientOverrides, uncommitted);
    }

    public String transactionalId() {
        return group + "-" + instanceId;
    }

    public String webhookGroup() {
        return group + "-webhooks";
    }

    /** Bootstrap servers plus the overrides: the base of every client's configuration. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.putAll(clientOverrides);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return properties;
    }

    private static void requireText(String value, String flag) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(flag + " must not be empty");
        }
    }
}

package clipstream.alerts.outputs;

import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.rules.Rule;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.WebhookTarget;
import clipstream.schema.Alert;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed alerts to their rules' webhooks (see the package documentation for the guarantees).
 *
 * <p>Each webhook has its own {@link WebhookLane}: a bounded queue sent in order by its own thread, with the
 * webhook's own timeouts and retries. The poll loop only reads, hands alerts to the lanes and commits the offsets
 * whose alerts are finished ({@link DeliveryProgress}); it never waits for a webhook, so it polls well within
 * {@code max.poll.interval.ms} however long a webhook hangs, and a webhook that is down never delays another.
 *
 * <p>A lane that is full (its webhook fails or is slower than the alerts come) does not block the poll loop, which
 * would stall every webhook of the partition: the alert is dead-lettered at once, reason {@code WEBHOOK_FAILED},
 * with a message that says so. That webhook would most likely have failed it after its retries anyway, and the dead
 * letter keeps the alert for a replay.
 */
public final class WebhookDispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Properties consumerProperties;
    private final Properties producerProperties;
    private final Supplier<RuleSet> rules;
    private final AlertDeadLetters deadLetters;
    private final WebhookClient client;
    private final int queueCapacity;
    private final AlertsMetrics metrics;
    private final RecordDecoder<Alert> decoder = RecordDecoder.of(Alert.class);
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "webhook-sender");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<WebhookTarget, WebhookLane> lanes = new HashMap<>();
    private final DeliveryProgress progress = new DeliveryProgress();
    /** A dead letter that could not be written: the dispatcher stops rather than commit past its alert. */
    private final AtomicReference<Exception> deadLetterFailure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param clientProperties bootstrap servers and client overrides
     * @param group            the dispatcher's own consumer group (not the event loop's)
     * @param rules            the rules in force, read for every batch (reloads apply at once)
     * @param queueCapacity    alerts waiting per webhook at most; one more is dead-lettered at once
     */
    public WebhookDispatcher(Properties clientProperties, String group, Supplier<RuleSet> rules,
                             AlertDeadLetters deadLetters, WebhookClient client, int queueCapacity) {
        this(clientProperties, group, rules, deadLetters, client, queueCapacity, AlertsMetrics.unserved());
    }

    /** As above, counting deliveries and failures per rule into {@code metrics}. */
    public WebhookDispatcher(Properties clientProperties, String group, Supplier<RuleSet> rules,
                             AlertDeadLetters deadLetters, WebhookClient client, int queueCapacity,
                             AlertsMetrics metrics) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("webhook queue capacity must be at least 1, got " + queueCapacity);
        }
        this.consumerProperties = new Properties();
        consumerProperties.putAll(clientProperties);
        consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        this.producerProperties = new Properties();
        producerProperties.putAll(clientProperties);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.rules = rules;
        this.deadLetters = deadLetters;
        this.client = client;
        this.queueCapacity = queueCapacity;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(producerProperties,
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer = kafka;
            try {
                loop(kafka, dlq);
            } finally {
                // before the clients close: a lane must not write a dead letter through a closed producer
                senders.shutdownNow();
                if (!senders.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Webhook senders did not stop within {} s", STOP_TIMEOUT.toSeconds());
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops polling and sending; alerts whose delivery was not finished are not committed and are delivered again
     * after a restart.
     */
    public void stop() {
        stopping = true;
        senders.shutdownNow();
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    private void loop(KafkaConsumer<byte[], byte[]> kafka, KafkaProducer<byte[], byte[]> dlq)
            throws InterruptedException {
        Set<String> subscribed = Set.of();
        Rebalance rebalance = new Rebalance(kafka);
        while (!stopping) {
            throwIfDeadLettersFail();
            RuleSet current = rules.get();
            Set<String> topics = current.webhookTopics();
            if (!topics.equals(subscribed)) {
                subscribed = topics;
                if (topics.isEmpty()) {
                    kafka.unsubscribe();
                } else {
                    kafka.subscribe(topics, rebalance);
                }
                LOG.info("Webhook dispatcher reads {}", topics);
            }
            closeIdleLanes(current);
            if (topics.isEmpty()) {
                waitForRules();
                continue;
            }
            ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                route(record, current, dlq);
            }
            for (TopicPartition partition : progress.partitions()) {
                progress.positionIs(partition, kafka.position(partition));
            }
            commitFinished(kafka);
        }
    }

    private synchronized void waitForRules() throws InterruptedException {
        wait(POLL.toMillis());
    }

    /** Hands {@code record} to the lane of each of its rule's webhooks, or dead-letters it. Never waits. */
    private void route(ConsumerRecord<byte[], byte[]> record, RuleSet current, KafkaProducer<byte[], byte[]> dlq) {
        Alert alert;
        try {
            alert = decoder.decode(record.value());
        } catch (RecordDecodeException e) {
            deadLetter(dlq, record, DeadLetterReason.UNDECODABLE, "Undecodable alert: " + e.getMessage(),
                    progress.polled(record, 1));
            return;
        }
        // the rule's webhooks, if the alert is on the topic that rule writes to now
        List<WebhookTarget> targets = current.rule(alert.getRule())
                .filter(rule -> rule.outputs().topic().equals(record.topic()))
                .map(rule -> rule.outputs().webhooks())
                .orElse(List.of());
        DeliveryProgress.Pending pending = progress.polled(record, targets.size());
        for (WebhookTarget target : targets) {
            WebhookLane lane = lanes.computeIfAbsent(target,
                    t -> new WebhookLane(t, queueCapacity, senders, (to, delivery) -> send(to, delivery, dlq)));
            if (!lane.offer(new WebhookLane.Delivery(record, alert, pending))) {
                String reason = target.url() + " not tried: " + lane.capacity() + " alert(s) are already waiting"
                        + " for it (--webhook-queue), it is failing or slower than the alerts come";
                LOG.error("Dead-lettering alert {} for webhook: {}", alert.getAlertId(), reason);
                metrics.webhookFailed(alert.getRule());
                deadLetter(dlq, record, DeadLetterReason.WEBHOOK_FAILED, reason, pending);
            }
        }
    }

    /** On a lane's thread: delivers the alert, or dead-letters it and waits until the dead letter is written. */
    private void send(WebhookTarget target, WebhookLane.Delivery delivery, KafkaProducer<byte[], byte[]> dlq)
            throws InterruptedException {
        WebhookOutcome outcome;
        try {
            outcome = client.deliver(target, delivery.alert());
        } catch (RuntimeException e) {
            outcome = new WebhookOutcome.GaveUp(0, target.url() + " could not be called: " + e);
        }
        if (outcome instanceof WebhookOutcome.Delivered) {
            metrics.webhookDelivered(delivery.alert().getRule());
        }
        if (outcome instanceof WebhookOutcome.GaveUp gaveUp) {
            metrics.webhookFailed(delivery.alert().getRule());
            LOG.error("Dead-lettering alert {} for webhook: {}", delivery.alert().getAlertId(), gaveUp.reason());
            try {
                dlq.send(deadLetters.of(delivery.record(), DeadLetterReason.WEBHOOK_FAILED, gaveUp.reason())).get();
            } catch (ExecutionException | RuntimeException e) {
                deadLetterFailure.compareAndSet(null, e);
                return;
            }
        }
        delivery.pending().done();
    }

    /** Writes a dead letter without waiting; {@code pending} is done once the broker has it. */
    private void deadLetter(KafkaProducer<byte[], byte[]> dlq, ConsumerRecord<byte[], byte[]> record,
                            DeadLetterReason reason, String message, DeliveryProgress.Pending pending) {
        dlq.send(deadLetters.of(record, reason, message), (metadata, e) -> {
            if (e == null) {
                pending.done();
            } else {
                deadLetterFailure.compareAndSet(null, e);
            }
        });
    }

    private void throwIfDeadLettersFail() {
        Exception e = deadLetterFailure.get();
        if (e != null) {
            throw new IllegalStateException("Cannot write dead letters to " + deadLetters.topic()
                    + "; stopping so that no alert is committed without its delivery or dead letter: " + e, e);
        }
    }

    private void commitFinished(KafkaConsumer<byte[], byte[]> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = progress.committable();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            kafka.commitSync(offsets);
            progress.committed(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions are being reassigned: their new owner delivers from the last commit
            LOG.warn("Could not commit webhook progress {}: {}", offsets, e.getMessage());
        } catch (TimeoutException e) {
            // no answer within default.api.timeout.ms (the broker restarting, the coordinator moving): the same
            // offsets stay committable and go with the next commit; meanwhile the loop goes on polling
            LOG.warn("Committing webhook progress {} timed out; retrying with the next commit: {}", offsets,
                    e.getMessage());
        }
    }

    /** Lanes of webhooks no rule names any more, once they have sent what they hold. */
    private void closeIdleLanes(RuleSet current) {
        Set<WebhookTarget> inUse = current.rules().stream().map(Rule::outputs)
                .flatMap(outputs -> outputs.webhooks().stream()).collect(Collectors.toSet());
        lanes.entrySet().removeIf(lane -> !inUse.contains(lane.getKey()) && lane.getValue().idle());
    }

    /** Commits what is finished of partitions given up and drops their unfinished alerts. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> kafka;

        Rebalance(KafkaConsumer<byte[], byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = progress.committable();
            offsets.keySet().retainAll(partitions);
            if (!offsets.isEmpty()) {
                try {
                    kafka.commitSync(offsets);
                } catch (RuntimeException e) {
                    LOG.warn("Could not commit webhook progress {} before giving it up: {}", offsets, e.toString());
                }
            }
            progress.forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            progress.forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // a partition's progress starts with its first polled alert
        }
    }
}

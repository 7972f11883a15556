package clipstream.alerts.outputs;

import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.WebhookTarget;
import clipstream.schema.Alert;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed alerts to their rules' webhooks (see the package documentation for the guarantees).
 *
 * <p>Per batch, each webhook gets its alerts in order on its own thread, so webhooks do not wait for each other
 * beyond one batch, and no alert waits longer than its target's {@link WebhookTarget#worstCase()}.
 */
public final class WebhookDispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Properties consumerProperties;
    private final Properties producerProperties;
    private final Supplier<RuleSet> rules;
    private final AlertDeadLetters deadLetters;
    private final WebhookClient client;
    private final RecordDecoder<Alert> decoder = RecordDecoder.of(Alert.class);
    private final ExecutorService senders = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "webhook-sender");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param clientProperties bootstrap servers and client overrides
     * @param group            the dispatcher's own consumer group (not the event loop's)
     * @param rules            the rules in force, read for every batch (reloads apply at once)
     */
    public WebhookDispatcher(Properties clientProperties, String group, Supplier<RuleSet> rules,
                             AlertDeadLetters deadLetters, WebhookClient client) {
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
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(producerProperties,
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer = kafka;
            Set<String> subscribed = Set.of();
            while (!stopping) {
                RuleSet current = rules.get();
                Set<String> topics = current.webhookTopics();
                if (!topics.equals(subscribed)) {
                    subscribed = topics;
                    if (topics.isEmpty()) {
                        kafka.unsubscribe();
                    } else {
                        kafka.subscribe(topics);
                    }
                    LOG.info("Webhook dispatcher reads {}", topics);
                }
                if (topics.isEmpty()) {
                    waitForRules();
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                if (!records.isEmpty() && deliver(records, current, dlq)) {
                    kafka.commitSync(nextOffsets(records));
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            senders.shutdownNow();
        }
    }

    /** Stops after the batch in hand; alerts whose delivery was cut short are delivered again after a restart. */
    public void stop() {
        stopping = true;
        senders.shutdownNow();
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    private synchronized void waitForRules() throws InterruptedException {
        wait(POLL.toMillis());
    }

    /** Delivers a batch; true when every alert in it was delivered or dead-lettered (so the batch may be committed). */
    private boolean deliver(ConsumerRecords<byte[], byte[]> records, RuleSet current,
                            KafkaProducer<byte[], byte[]> dlq) throws InterruptedException {
        Map<WebhookTarget, List<ConsumerRecord<byte[], byte[]>>> byTarget = new LinkedHashMap<>();
        Map<ConsumerRecord<byte[], byte[]>, Alert> alerts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Alert alert;
            try {
                alert = decoder.decode(record.value());
            } catch (RecordDecodeException e) {
                dlq.send(deadLetters.of(record, DeadLetterReason.UNDECODABLE, "Undecodable alert: " + e.getMessage()));
                continue;
            }
            alerts.put(record, alert);
            // the rule's webhooks, if the alert is on the topic that rule writes to now
            List<WebhookTarget> targets = current.rule(alert.getRule())
                    .filter(rule -> rule.outputs().topic().equals(record.topic()))
                    .map(rule -> rule.outputs().webhooks())
                    .orElse(List.of());
            for (WebhookTarget target : targets) {
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(record);
            }
        }
        List<Future<?>> sends = new ArrayList<>();
        for (Map.Entry<WebhookTarget, List<ConsumerRecord<byte[], byte[]>>> entry : byTarget.entrySet()) {
            sends.add(senders.submit(() -> {
                for (ConsumerRecord<byte[], byte[]> record : entry.getValue()) {
                    Alert alert = alerts.get(record);
                    WebhookOutcome outcome = client.deliver(entry.getKey(), alert);
                    if (outcome instanceof WebhookOutcome.GaveUp gaveUp) {
                        LOG.error("Dead-lettering alert {} for webhook: {}", alert.getAlertId(), gaveUp.reason());
                        dlq.send(deadLetters.of(record, DeadLetterReason.WEBHOOK_FAILED, gaveUp.reason())).get();
                    }
                }
                return null;
            }));
        }
        for (Future<?> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                LOG.error("Webhook delivery failed without a verdict; the batch will be delivered again", e.getCause());
                return false;
            } catch (CancellationException e) {
                return false;
            }
        }
        dlq.flush();
        return true;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }
}

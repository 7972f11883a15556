package clipstream.alerts.pipeline;

import clipstream.alerts.engine.CameraSnapshot;
import clipstream.alerts.engine.EventAheadOfClock;
import clipstream.alerts.engine.RaisedAlert;
import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.engine.StateChange;
import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.AlertDeadLetters;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.state.StateTopic;
import clipstream.common.retry.Backoff;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.DecodeFailure;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop: reads clip events (read_committed, or read_uncommitted with {@link AlertsConfig#readUncommitted()}:
 * then each clip counts once, see {@link clipstream.alerts.engine.Deduplication}), runs them through the
 * {@link RuleEngine} and writes, per polled batch and in one Kafka transaction, the alerts raised, the new state of
 * every camera the batch changed, a tombstone for every camera it made the engine forget (see
 * {@code clipstream.alerts.state}) and the batch's consumer offsets. After the commit, alerts of rules with {@code stdout} are printed.
 *
 * <p>A failed transaction is aborted and the loop rewinds: it seeks back to the committed offsets and restores the
 * committed state, so the batch is processed again as if for the first time. A commit (or abort) that timed out is
 * not a failed transaction: the broker may be completing it (a broker restart, a slow coordinator), and Kafka allows
 * only the same call again, so it is retried until it returns. So is {@code initTransactions} at start-up (the
 * broker not reachable yet, or its transaction coordinator still loading). A fenced producer (another instance took
 * over this instance id) ends the loop.
 *
 * <p>Camera health rules are judged after every poll, with or without events ({@link RuleEngine#checkHealth}): a
 * camera goes offline while nothing arrives. A poll without events whose judgement raises alerts gets a transaction of
 * its own, with those alerts and the state of their cameras (no offsets: none moved); one that raises nothing writes
 * nothing. Silence is judged only on the input partitions read to their end ({@link KafkaConsumer#currentLag} is 0).
 */
public final class AlertsPipeline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertsPipeline.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * Between tries of an initTransactions, commit or abort that timed out; each try itself waits up to the
     * producer's max.block.ms.
     */
    private static final Backoff TIMED_OUT_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0);

    private final AlertsConfig config;
    private final RuleEngine engine;
    private final StateTopic stateTopic;
    private final AlertDeadLetters deadLetters;
    private final TerminalOutput terminal;
    private final AlertsMetrics metrics;
    private final Function<Properties, KafkaProducer<byte[], byte[]>> producers;
    private final RecordDecoder<ClipEvent> decoder = RecordDecoder.of(ClipEvent.class);
    private final RecordEncoder<Alert> encoder = RecordEncoder.of(Alert.class);
    private final AtomicReference<RuleSet> pendingRules = new AtomicReference<>();
    private volatile int camerasHeld;
    private volatile long eventsAheadOfClock;
    private long healthRefusalsLogged;
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public AlertsPipeline(AlertsConfig config, RuleSet rules, TerminalOutput terminal) {
        this(config, rules, terminal, AlertsPipeline::newProducer, InstantSource.system(), AlertsMetrics.unserved());
    }

    /** The producer the event loop writes its transactions with, unless a test passes its own. */
    static KafkaProducer<byte[], byte[]> newProducer(Properties properties) {
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * @param producers makes the transactional producer from its properties (tests put a faulty one in)
     * @param wallClock the engine's wall clock: the bound on event times, and the camera health rules' time
     * @param metrics   counts events and alerts once their transaction committed
     */
    AlertsPipeline(AlertsConfig config, RuleSet rules, TerminalOutput terminal,
                   Function<Properties, KafkaProducer<byte[], byte[]>> producers, InstantSource wallClock,
                   AlertsMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.engine = new RuleEngine(rules, config.dedupWindow(), config.deduplication(), config.cameraExpiry(),
                config.maxClockSkew(), wallClock);
        this.stateTopic = new StateTopic(config.stateTopic(), config.clientProperties());
        this.deadLetters = new AlertDeadLetters(config.dlqTopic());
        this.terminal = terminal;
        this.producers = producers;
    }

    /** Switches to {@code rules} before the next batch (any thread). */
    public void reload(RuleSet rules) {
        pendingRules.set(rules);
    }

    /** How many cameras the engine holds state for, as of the last batch, restore or rebalance (any thread). */
    public int camerasHeld() {
        return camerasHeld;
    }

    /**
     * How many committed events ended more than {@code --max-clock-skew} ahead of the wall clock and were taken as
     * ending at that bound (any thread).
     */
    public long eventsAheadOfClock() {
        return eventsAheadOfClock;
    }

    /** Stops after the batch in hand is committed (any thread). */
    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = producers.apply(producerProperties());
             KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties(),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // first: fence a crashed predecessor with our transactional id and abort its open transaction, which
            // would otherwise hold back every read_committed reader of our topics (including our own restore)
            if (!untilAnswered("initTransactions", producer::initTransactions)) {
                LOG.info("Stopped before the transactions were initialised");
                return;
            }
            consumer = kafka;
            kafka.subscribe(List.of(config.inputTopic()), new Rebalance());
            LOG.info("Reading {} ({}) as {} (group {}), rules {}", config.inputTopic(), config.inputIsolationLevel(),
                    config.transactionalId(), config.group(), engine.rules());
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                // after the poll: rules handed over before an event was produced apply to that event
                applyPendingRules();
                if (!records.isEmpty()) {
                    process(records, List.of(), producer, kafka);
                } else {
                    List<RaisedAlert> health = judgeHealth(kafka);
                    if (!health.isEmpty()) {
                        process(records, health, producer, kafka);
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
        LOG.info("Stopped");
    }

    /**
     * One transaction: the events of {@code records} applied, then the camera health judged (where there are
     * events; {@code decided} holds the health alerts judged already for a poll without any), the alerts, the state
     * changed and the offsets.
     */
    private void process(ConsumerRecords<byte[], byte[]> records, List<RaisedAlert> decided,
                         KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> kafka) {
        List<RaisedAlert> raised = new ArrayList<>();
        int forgotten = 0;
        boolean committed;
        producer.beginTransaction();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ClipEvent event = decode(record, producer);
                if (event == null) {
                    continue;
                }
                for (RaisedAlert alert : engine.onEvent(record.partition(), event)) {
                    raised.add(alert);
                    send(alert, producer);
                }
            }
            List<RaisedAlert> health = records.isEmpty() ? decided : judgeHealth(kafka);
            for (RaisedAlert alert : health) {
                raised.add(alert);
                send(alert, producer);
            }
            // also carries what a restore or a rules reload changed since the previous batch
            for (StateChange change : engine.takeChanges()) {
                ProducerRecord<String, byte[]> state = stateTopic.record(change);
                producer.send(new ProducerRecord<>(state.topic(), state.partition(),
                        change.camera().getBytes(StandardCharsets.UTF_8), state.value()));
                forgotten += change.forgotten() ? 1 : 0;
            }
            if (!records.isEmpty()) {
                producer.sendOffsetsToTransaction(nextOffsets(records), kafka.groupMetadata());
            }
            committed = untilAnswered("commitTransaction", producer::commitTransaction);
        } catch (ProducerFencedException | InvalidProducerEpochException | UnsupportedVersionException
                 | AuthorizationException e) {
            throw new IllegalStateException("Cannot continue as " + config.transactionalId() + ": " + e.getMessage()
                    + " (is another instance running with the same --instance-id?)", e);
        } catch (KafkaException e) {
            LOG.warn("Transaction failed, aborting and replaying the batch: {}", e.toString());
            if (untilAnswered("abortTransaction", producer::abortTransaction)) {
                rewind(kafka);
            }
            return;
        }
        if (!committed) {
            return;
        }
        metrics.eventsCommitted(records.count());
        for (RaisedAlert alert : raised) {
            metrics.raised(alert.rule().name());
        }
        camerasHeld = engine.cameraCount();
        reportEventsAheadOfClock(engine.takeEventsAheadOfClock());
        reportHealthCapacity();
        if (forgotten > 0) {
            LOG.info("Forgot {} camera(s) without events for {} of event time; holding {}", forgotten,
                    config.cameraExpiry(), camerasHeld);
        }
        for (RaisedAlert alert : raised) {
            if (alert.rule().outputs().stdout()) {
                terminal.print(alert.alert());
            }
        }
    }

    /**
     * Runs the producer's {@code call} ({@code initTransactions}, {@code commitTransaction} or
     * {@code abortTransaction}) until it returns. A call that timed out ({@code max.block.ms}) may still be completing
     * on the broker, and Kafka refuses any other transactional call until the same one is retried: so it is retried,
     * with backoff, until it returns or the loop is stopped.
     *
     * @return false if the loop was stopped before the call returned: for a commit or abort, whether the transaction
     *         committed is then unknown, and the next start with this {@code --instance-id} finds out (its
     *         initTransactions completes or aborts it)
     */
    private boolean untilAnswered(String what, Runnable call) {
        for (int failures = 1; ; failures++) {
            try {
                call.run();
                return true;
            } catch (TimeoutException e) {
                if (stopping) {
                    LOG.warn("Stopping with {} unconfirmed: {}", what, e.getMessage());
                    return false;
                }
                Duration wait = TIMED_OUT_RETRY.delay(failures);
                LOG.warn("{} timed out ({} time(s)), retrying it in {} ms: {}", what, failures, wait.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    LOG.warn("Interrupted with {} unconfirmed; stopping", what);
                    stopping = true;
                    return false;
                }
            }
        }
    }

    private void send(RaisedAlert alert, KafkaProducer<byte[], byte[]> producer) {
        producer.send(new ProducerRecord<>(alert.rule().outputs().topic(),
                alert.alert().getCameraId().getBytes(StandardCharsets.UTF_8), encoder.toBytes(alert.alert())));
    }

    /** The camera health rules' alerts now; nothing asked of the consumer where there are no such rules. */
    private List<RaisedAlert> judgeHealth(KafkaConsumer<byte[], byte[]> kafka) {
        return engine.rules().healthRules().isEmpty() ? List.of() : engine.checkHealth(caughtUp(kafka));
    }

    /**
     * The input partitions this consumer has read to their end, as of its latest fetch: where a camera's silence is
     * its own, not this consumer's backlog.
     */
    private static Set<Integer> caughtUp(KafkaConsumer<byte[], byte[]> kafka) {
        Set<Integer> partitions = new HashSet<>();
        for (TopicPartition partition : kafka.assignment()) {
            OptionalLong lag = kafka.currentLag(partition);
            if (lag.isPresent() && lag.getAsLong() == 0) {
                partitions.add(partition.partition());
            }
        }
        return partitions;
    }

    private void reportHealthCapacity() {
        long refusals = engine.healthCapacityRefusals();
        if (refusals > healthRefusalsLogged) {
            LOG.warn("{} event(s) came from cameras the camera health rules do not watch: their input partition watches"
                    + " {} cameras already (RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION); they are watched once a"
                    + " watched camera is forgotten (--camera-expiry)", refusals - healthRefusalsLogged,
                    RuleEngine.MAX_HEALTH_CAMERAS_PER_PARTITION);
            healthRefusalsLogged = refusals;
        }
    }

    private void reportEventsAheadOfClock(List<EventAheadOfClock> ahead) {
        if (ahead.isEmpty()) {
            return;
        }
        eventsAheadOfClock += ahead.size();
        EventAheadOfClock first = ahead.get(0);
        LOG.warn("{} event(s) ended more than --max-clock-skew {} ahead of the wall clock and were taken as ending"
                        + " there, so that they cannot make their partition forget its other cameras; the first: camera"
                        + " {}, event {}, end_time {}, taken as {} ({} such events so far)", ahead.size(),
                config.maxClockSkew(), first.camera(), first.eventId(), first.endTime(), first.takenAs(),
                eventsAheadOfClock);
    }

    /** The event in {@code record}, or null after dead-lettering a record that does not decode. */
    private ClipEvent decode(ConsumerRecord<byte[], byte[]> record, KafkaProducer<byte[], byte[]> producer) {
        try {
            return decoder.decode(record.value());
        } catch (RecordDecodeException e) {
            DeadLetterReason reason = e.failure() == DecodeFailure.UNKNOWN_SCHEMA
                    ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.UNDECODABLE;
            LOG.warn("Dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            producer.send(deadLetters.of(record, reason, e.getMessage()));
            return null;
        }
    }

    private void applyPendingRules() {
        RuleSet next = pendingRules.getAndSet(null);
        if (next != null) {
            TopicSetup.ensure(config, next.alertTopics());
            engine.replaceRules(next);
            LOG.info("Rules now {}", next);
        }
    }

    /** Back to the last committed point: committed offsets and the state stored with them. */
    private void rewind(KafkaConsumer<byte[], byte[]> kafka) {
        Set<TopicPartition> assigned = kafka.assignment();
        engine.dropForReplay(engine.partitions());
        restore(assigned);
        Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                kafka.seekToBeginning(List.of(partition));
            } else {
                kafka.seek(partition, offset.offset());
            }
        }
    }

    private void restore(Collection<TopicPartition> partitions) {
        int expired = 0;
        Map<Integer, Map<String, CameraSnapshot>> stored = stateTopic.restore(numbers(partitions));
        for (Map.Entry<Integer, Map<String, CameraSnapshot>> partition : stored.entrySet()) {
            expired += engine.restore(partition.getKey(), partition.getValue());
        }
        camerasHeld = engine.cameraCount();
        if (expired > 0) {
            LOG.info("Forgot {} restored camera(s) already past --camera-expiry {}; their tombstones go with the next"
                    + " batch", expired, config.cameraExpiry());
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        engine.forget(numbers(partitions));
        camerasHeld = engine.cameraCount();
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private Properties producerProperties() {
        Properties properties = config.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return properties;
    }

    private Properties consumerProperties() {
        Properties properties = config.clientProperties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, config.inputIsolationLevel());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        return properties;
    }

    /** Restores state for partitions gained and drops it for partitions given up. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            forget(partitions);
            restore(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }
    }
}

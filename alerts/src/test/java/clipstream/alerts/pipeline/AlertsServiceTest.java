package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.ClipEvents.event;
import static clipstream.alerts.fixtures.KafkaBroker.await;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.engine.RuleEngineTest;
import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.fixtures.WebhookServer;
import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.AlertJson;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.rules.RulesLoader;
import clipstream.alerts.state.SnapshotCodec;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.kafka.AvroDeserializer;
import clipstream.schema.kafka.AvroSerializer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The alerting consumer end to end on a real in-JVM Kafka broker (one for the class; each test owns its topics). */
class AlertsServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaBroker kafka;

    @TempDir
    Path dir;
    private String name;
    private final List<AlertsService> running = new ArrayList<>();
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @BeforeEach
    void name(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void stopServices() throws Exception {
        for (AlertsService service : running) {
            service.close();
        }
    }

    private String topic(String what) {
        return name + "." + what;
    }

    private AlertsConfig config(String instance, int maxPollRecords) {
        return new AlertsConfig(kafka.bootstrap(), name, instance, topic("events"), topic("state"), topic("dlq"),
                RuleEngine.DEFAULT_DEDUP_WINDOW, maxPollRecords, Map.of());
    }

    private AlertsService start(Path rules) throws Exception {
        return start(rules, config("one", 500));
    }

    private AlertsService start(Path rules, AlertsConfig config) throws Exception {
        return start(rules, config, AlertsPipeline::newProducer);
    }

    private AlertsService start(Path rules, AlertsConfig config,
                                Function<Properties, KafkaProducer<byte[], byte[]>> producers)
            throws Exception {
        AlertsService service = new AlertsService(config, rules,
                new TerminalOutput(new PrintStream(terminal, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC),
                producers);
        running.add(service);
        service.start();
        return service;
    }

    private AlertsService start(Path rules, AlertsMetrics metrics) throws Exception {
        AlertsService service = new AlertsService(config("one", 500), rules,
                new TerminalOutput(new PrintStream(terminal, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC),
                metrics);
        running.add(service);
        service.start();
        return service;
    }

    /** The value of {@code sample} (name and labels, as the text format writes them) in {@code registry}. */
    private static double metric(PrometheusRegistry registry, String sample) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + sample));
    }

    /** A configuration of this test's topics with {@code --webhook-queue} and Kafka client overrides. */
    private AlertsConfig config(int webhookQueue, Map<String, String> clientOverrides) {
        return new AlertsConfig(kafka.bootstrap(), name, "one", topic("events"), topic("state"), topic("dlq"),
                RuleEngine.DEFAULT_DEDUP_WINDOW, RuleEngine.DEFAULT_CAMERA_EXPIRY, RuleEngine.DEFAULT_MAX_CLOCK_SKEW,
                500, webhookQueue, clientOverrides);
    }

    private Path rulesFile(String yaml) throws Exception {
        return Files.writeString(dir.resolve("rules.yaml"), yaml.replace("ALERTS", topic("alerts")));
    }

    private void produce(List<ClipEvent> events) throws Exception {
        kafka.send(topic("events"), new AvroSerializer<>(ClipEvent.class), events.stream()
                .map(e -> new ProducerRecord<>(topic("events"), e.getCameraId(), e)).toList());
    }

    private void awaitProcessed() throws InterruptedException {
        await("the consumer commits every event of " + topic("events"), WAIT,
                () -> kafka.caughtUp(name, topic("events")));
    }

    private List<Alert> alerts() {
        return kafka.readAll(topic("alerts"), new AvroDeserializer<>(Alert.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private List<DeadLetter> deadLetters() {
        return kafka.readAll(topic("dlq"), new AvroDeserializer<>(DeadLetter.class)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static String withTopic(String rules) {
        return rules.replace("cooldown: 10s", "cooldown: 10s\n    outputs:\n      topic: ALERTS");
    }

    @Test
    void minConsecutiveAndCooldownBehaveAsSpecifiedOnTheScript() throws Exception {
        kafka.createTopic(topic("events"), 2);
        produce(ClipEvents.fallScript());
        start(rulesFile(withTopic(ClipEvents.FALL_RULES)));

        awaitProcessed();

        List<Alert> expected = RuleEngineTest.run(
                new RuleEngine(RulesLoader.parse(ClipEvents.FALL_RULES, "f"), 100), ClipEvents.fallScript());
        assertThat(expected).extracting(Alert::getLastEventTime).containsExactly(ClipEvents.at(3), ClipEvents.at(13));
        assertThat(alerts()).containsExactlyElementsOf(expected);
        assertThat(terminal.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("2025-11-24 16:00:03.000 +00:00  cam-1  falling  0.90  rule=fall  (3 events)",
                        "2025-11-24 16:00:13.000 +00:00  cam-1  falling  0.95  rule=fall  (3 events)");
        // the state topic the consumer created: compacted, small segments, as many partitions as the input
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrap()))) {
            ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, topic("state"));
            Config configs = admin.describeConfigs(List.of(state)).all().get().get(state);
            assertThat(configs.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get("segment.bytes").value()).isEqualTo(Integer.toString(16 << 20));
            assertThat(configs.get("segment.ms").value()).isEqualTo("3600000");
            assertThat(admin.describeTopics(List.of(topic("state"))).allTopicNames().get().get(topic("state"))
                    .partitions()).hasSize(2);
        }
    }

    @Test
    void duplicateEventsRaiseOneAlertAndUndecodableOnesAreDeadLettered() throws Exception {
        kafka.createTopic(topic("events"), 1);
        ClipEvent fall = event("cam-1", 1, "falling", 0.9f);
        ClipEvent walk = event("cam-1", 2, "walking", 0.9f);
        ClipEvent fallAgain = event("cam-1", 3, "falling", 0.9f);
        produce(List.of(fall, fall, walk, fall));
        kafka.send(topic("events"), new ByteArraySerializer(),
                List.of(new ProducerRecord<>(topic("events"), "cam-1", new byte[] {1, 2, 3})));
        produce(List.of(fallAgain, fall, fallAgain));
        start(rulesFile("""
                rules:
                  - name: fall
                    labels: [falling]
                    outputs:
                      topic: ALERTS
                """));

        awaitProcessed();

        assertThat(alerts()).extracting(a -> a.getEventIds().get(0))
                .containsExactly(fall.getEventId(), fallAgain.getEventId());
        assertThat(deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(letter.getSourceTopic()).isEqualTo(topic("events"));
            assertThat(letter.getSourceOffset()).isEqualTo(4L);
            assertThat(letter.getValue().array()).containsExactly(1, 2, 3);
        });
    }

    @Test
    void aWebhookThatFailsThenRecoversGetsTheAlertJsonOnce() throws Exception {
        Iterator<Integer> statuses = List.of(500, 503).iterator();
        PrometheusRegistry registry = new PrometheusRegistry();
        try (WebhookServer webhook = WebhookServer.start(() -> statuses.hasNext() ? statuses.next() : 200)) {
            kafka.createTopic(topic("events"), 1);
            produce(List.of(event("cam-1", 1, "falling", 0.9f)));
            start(rulesFile("""
                    rules:
                      - name: fall
                        labels: [falling]
                        outputs:
                          topic: ALERTS
                          webhook:
                            url: %s
                            timeout: 2s
                            attempts: 4
                            backoff: 50ms
                    """.formatted(webhook.url())), new AlertsMetrics(registry));

            await("the webhook accepts the alert", WAIT, () -> !webhook.accepted().isEmpty());
            ConsumerRecord<String, Alert> record = kafka.readAll(topic("alerts"), new AvroDeserializer<>(Alert.class))
                    .get(0);
            await("the dispatcher commits past the alert", WAIT,
                    () -> kafka.committedCount(name + "-webhooks", topic("alerts")) > record.offset());

            Alert alert = record.value();
            assertThat(webhook.received()).extracting(WebhookServer.Received::status).containsExactly(500, 503, 200);
            assertThat(webhook.accepted()).singleElement().satisfies(request -> {
                assertThat(request.body()).isEqualTo(AlertJson.toJson(alert));
                assertThat(request.header("Idempotency-Key")).isEqualTo(alert.getAlertId());
            });
            assertThat(deadLetters()).isEmpty();
            assertThat(metric(registry, "clipstream_alerts_raised_total{rule=\"fall\"}")).isEqualTo(1);
            assertThat(metric(registry, "clipstream_alerts_webhook_deliveries_total{rule=\"fall\"}")).isEqualTo(1);
            assertThat(metric(registry, "clipstream_alerts_webhook_failures_total{rule=\"fall\"}")).isZero();
            assertThat(metric(registry, "clipstream_alerts_events_total")).isEqualTo(1);
        }
    }

    @Test
    void aDeadWebhookDeadLettersTheAlertWithoutHoldingBackTheOtherOutputs() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (WebhookServer webhook = WebhookServer.start(() -> 503)) {
            kafka.createTopic(topic("events"), 1);
            produce(List.of(event("cam-1", 1, "falling", 0.9f), event("cam-1", 2, "falling", 0.9f)));
            start(rulesFile("""
                    rules:
                      - name: fall
                        labels: [falling]
                        outputs:
                          topic: ALERTS
                          webhook:
                            url: %s
                            attempts: 2
                            backoff: 20ms
                    """.formatted(webhook.url())), new AlertsMetrics(registry));

            awaitProcessed();
            assertThat(alerts()).hasSize(2);
            await("both alerts are dead-lettered", WAIT, () -> deadLetters().size() == 2);

            RecordDecoder<Alert> decoder = RecordDecoder.of(Alert.class);
            List<String> deadIds = new ArrayList<>();
            for (DeadLetter letter : deadLetters()) {
                assertThat(letter.getSourceTopic()).isEqualTo(topic("alerts"));
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.WEBHOOK_FAILED);
                assertThat(letter.getMessage()).startsWith(webhook.url().toString())
                        .contains("failed 2 attempt(s)").contains("HTTP 503");
                deadIds.add(decoder.decode(letter.getValue().array()).getAlertId());
            }
            assertThat(deadIds).containsExactlyElementsOf(alerts().stream().map(Alert::getAlertId).toList());
            assertThat(webhook.received()).hasSize(4);
            assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).hasSize(2);
            assertThat(metric(registry, "clipstream_alerts_raised_total{rule=\"fall\"}")).isEqualTo(2);
            assertThat(metric(registry, "clipstream_alerts_webhook_deliveries_total{rule=\"fall\"}")).isZero();
            assertThat(metric(registry, "clipstream_alerts_webhook_failures_total{rule=\"fall\"}")).isEqualTo(2);
        }
    }

    /**
     * One rule, two webhooks: one answers 503 to everything and takes 3 s of retries per alert (18 s for the six), the
     * other is healthy. Alerts come one a second. The healthy webhook gets each within a fraction of that, the dead
     * one's all end as dead letters, and the dispatcher — which must poll every 5 s here — never stops.
     */
    @Test
    void aDeadWebhookDelaysNoOtherWebhookAndItsAlertsEndAsDeadLetters() throws Exception {
        try (WebhookServer dead = WebhookServer.start(() -> 503);
             WebhookServer healthy = WebhookServer.start(() -> 200)) {
            kafka.createTopic(topic("events"), 1);
            Path rules = rulesFile("""
                    rules:
                      - name: fall
                        labels: [falling]
                        outputs:
                          topic: ALERTS
                          stdout: false
                          webhook:
                            - url: %s
                              attempts: 3
                              backoff: 1s
                              max-backoff: 2s
                            - url: %s
                    """.formatted(dead.url(), healthy.url()));
            AlertsService service = start(rules, config(AlertsConfig.DEFAULT_WEBHOOK_QUEUE,
                    Map.of("max.poll.interval.ms", "5000")));
            await("the webhook dispatcher has its partition", WAIT, () -> kafka.groupIsStable(name + "-webhooks"));
            int count = 6;
            Duration deadRetriesPerAlert = Duration.ofSeconds(1 + 2);
            Map<String, Instant> producedAt = new ConcurrentHashMap<>();
            for (int i = 1; i <= count; i++) {
                ClipEvent event = event("cam-" + i, i, "falling", 0.9f);
                producedAt.put(RuleEngine.alertId("fall", event.getCameraId(), event.getEventId()), Instant.now());
                produce(List.of(event));
                Thread.sleep(1000);
            }

            await("the healthy webhook accepts all " + count + " alerts", WAIT,
                    () -> healthy.accepted().size() >= count || service.failure().isPresent());
            assertThat(service.failure()).isEmpty();
            List<Duration> delays = healthy.accepted().stream()
                    .map(request -> Duration.between(producedAt.get(request.header("Idempotency-Key")), request.at()))
                    .toList();
            assertThat(delays).as("event produced → healthy webhook has the alert; the dead one needs %s in all",
                    deadRetriesPerAlert.multipliedBy(count))
                    .hasSize(count).allSatisfy(delay -> assertThat(delay).isLessThan(deadRetriesPerAlert));
            assertThat(healthy.accepted()).extracting(request -> request.header("Idempotency-Key"))
                    .containsExactlyInAnyOrderElementsOf(producedAt.keySet());

            await("the dead webhook's alerts are all dead-lettered", WAIT, () -> deadLetters().size() >= count);
            RecordDecoder<Alert> decoder = RecordDecoder.of(Alert.class);
            assertThat(deadLetters()).hasSize(count).allSatisfy(letter -> {
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.WEBHOOK_FAILED);
                assertThat(letter.getMessage()).startsWith(dead.url().toString())
                        .contains("failed 3 attempt(s)").contains("HTTP 503");
            });
            assertThat(deadLetters()).extracting(letter -> decoder.decode(letter.getValue().array()).getAlertId())
                    .containsExactlyInAnyOrderElementsOf(producedAt.keySet());
            assertThat(dead.received()).hasSize(3 * count);
            await("the dispatcher commits past every alert", WAIT,
                    () -> kafka.caughtUp(name + "-webhooks", topic("alerts")));
            assertThat(service.failure()).isEmpty();
        }
    }

    /**
     * A webhook that never answers holds one alert in flight and one in its queue of 1; the others cannot wait
     * behind them for its 2 × 15 s of timeouts: they are dead-lettered at once, saying why.
     */
    @Test
    void alertsBeyondAFullWebhookQueueAreDeadLetteredAtOnce() throws Exception {
        try (WebhookServer hanging = WebhookServer.start(() -> WebhookServer.HANG)) {
            kafka.createTopic(topic("events"), 1);
            Path rules = rulesFile("""
                    rules:
                      - name: fall
                        labels: [falling]
                        outputs:
                          topic: ALERTS
                          stdout: false
                          webhook:
                            url: %s
                            timeout: 15s
                            attempts: 2
                    """.formatted(hanging.url()));
            start(rules, config(1, Map.of()));
            produce(List.of(event("cam-1", 1, "falling", 0.9f), event("cam-2", 1, "falling", 0.9f),
                    event("cam-3", 1, "falling", 0.9f), event("cam-4", 1, "falling", 0.9f)));

            await("alerts beyond the queue are dead-lettered before the first attempt times out",
                    Duration.ofSeconds(12), () -> deadLetters().size() >= 2);
            assertThat(deadLetters()).hasSizeBetween(2, 3).allSatisfy(letter -> {
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.WEBHOOK_FAILED);
                assertThat(letter.getMessage()).startsWith(hanging.url() + " not tried")
                        .contains("1 alert(s) are already waiting for it (--webhook-queue)");
            });
            assertThat(alerts()).hasSize(4);
        }
    }

    /**
     * The first commit times out as it does while the broker restarts: the commit may still complete, and the
     * producer (like the real one) refuses anything but the same commit until it returns. The event loop retries the
     * commit (it does not abort, which Kafka would refuse and which would end the loop), and the alerts are those
     * of an undisturbed run, printed once.
     */
    @Test
    void aCommitThatTimesOutIsRetriedNotAborted() throws Exception {
        kafka.createTopic(topic("events"), 1);
        produce(ClipEvents.fallScript());
        List<CommitTimingOutOnce> producers = new CopyOnWriteArrayList<>();
        AlertsService service = start(rulesFile(withTopic(ClipEvents.FALL_RULES)), config("one", 500), properties -> {
            CommitTimingOutOnce producer = new CommitTimingOutOnce(properties);
            producers.add(producer);
            return producer;
        });

        await("the consumer commits every event, or fails", WAIT,
                () -> service.failure().isPresent() || kafka.caughtUp(name, topic("events")));

        assertThat(service.failure()).isEmpty();
        assertThat(producers).singleElement().satisfies(producer -> {
            assertThat(producer.timeouts.get()).isEqualTo(1);
            assertThat(producer.aborts.get()).isZero();
        });
        List<Alert> expected = RuleEngineTest.run(
                new RuleEngine(RulesLoader.parse(ClipEvents.FALL_RULES, "f"), 100), ClipEvents.fallScript());
        assertThat(alerts()).containsExactlyElementsOf(expected);
        assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).hasSize(expected.size());
    }

    /**
     * initTransactions times out at start-up, as it does while the broker cannot be reached yet or its transaction
     * coordinator is still loading. Kafka's contract: the call may be retried, and the retry goes on with the same
     * initialisation. The service retries it instead of stopping, and its alerts are those of an undisturbed run.
     */
    @Test
    void anInitTransactionsThatTimesOutIsRetried() throws Exception {
        kafka.createTopic(topic("events"), 1);
        produce(ClipEvents.fallScript());
        List<InitTimingOutOnce> producers = new CopyOnWriteArrayList<>();
        AlertsService service = start(rulesFile(withTopic(ClipEvents.FALL_RULES)), config("one", 500), properties -> {
            InitTimingOutOnce producer = new InitTimingOutOnce(properties);
            producers.add(producer);
            return producer;
        });

        await("the consumer commits every event, or fails", WAIT,
                () -> service.failure().isPresent() || kafka.caughtUp(name, topic("events")));

        assertThat(service.failure()).isEmpty();
        assertThat(producers).singleElement().satisfies(producer -> assertThat(producer.timeouts.get()).isEqualTo(1));
        List<Alert> expected = RuleEngineTest.run(
                new RuleEngine(RulesLoader.parse(ClipEvents.FALL_RULES, "f"), 100), ClipEvents.fallScript());
        assertThat(alerts()).containsExactlyElementsOf(expected);
    }

    /** A real producer whose first initTransactions throws the {@link TimeoutException} of max.block.ms passing. */
    private static final class InitTimingOutOnce extends KafkaProducer<byte[], byte[]> {
        final AtomicInteger timeouts = new AtomicInteger();

        InitTimingOutOnce(Properties properties) {
            super(properties, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void initTransactions() {
            if (timeouts.get() == 0) {
                timeouts.incrementAndGet();
                throw new TimeoutException("Timeout expired after 60000ms while awaiting InitProducerId");
            }
            super.initTransactions();
        }
    }

    /**
     * A real producer whose first commit throws the {@link TimeoutException} of a commit not acknowledged within
     * max.block.ms. Until the commit is retried it refuses other transactional calls with the real producer's
     * message (its TransactionManager keeps the timed-out commit pending).
     */
    private static final class CommitTimingOutOnce extends KafkaProducer<byte[], byte[]> {
        final AtomicInteger timeouts = new AtomicInteger();
        final AtomicInteger aborts = new AtomicInteger();
        private volatile boolean commitPending;

        CommitTimingOutOnce(Properties properties) {
            super(properties, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void commitTransaction() {
            if (timeouts.get() == 0) {
                timeouts.incrementAndGet();
                commitPending = true;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            super.commitTransaction();
            commitPending = false;
        }

        @Override
        public void abortTransaction() {
            aborts.incrementAndGet();
            refuseWhileCommitPending("abortTransaction");
            super.abortTransaction();
        }

        @Override
        public void beginTransaction() {
            refuseWhileCommitPending("beginTransaction");
            super.beginTransaction();
        }

        private void refuseWhileCommitPending(String operation) {
            if (commitPending) {
                throw new IllegalStateException("Cannot attempt operation `" + operation + "` because the previous"
                        + " call to `commitTransaction` timed out and must be retried");
            }
        }
    }

    /**
     * cam-bad's clock says the year 3000. Its event would move the partition's clock 975 years ahead and make it forget
     * the other cameras, which sent a moment ago, at once; taken as ending 5 minutes after the wall clock, it is
     * counted and forgets nobody.
     */
    @Test
    void anEventFromTheYear3000IsCountedAndForgetsNoOtherCamera() throws Exception {
        kafka.createTopic(topic("events"), 1);
        Instant now = Instant.now();
        produce(List.of(endingAt(event("cam-1", 1, "walking", 0.9f), now.minusSeconds(2)),
                endingAt(event("cam-2", 2, "falling", 0.9f), now.minusSeconds(1)),
                endingAt(event("cam-bad", 3, "walking", 0.9f), Instant.parse("3000-01-01T00:00:00Z"))));
        AlertsService service = start(rulesFile(withTopic(ClipEvents.FALL_RULES)), config("one", 500));

        awaitProcessed();

        await("the engine holds the three cameras", Duration.ofSeconds(10), () -> service.camerasHeld() == 3);
        assertThat(service.eventsAheadOfClock()).isEqualTo(1);
        assertThat(latestState()).containsOnlyKeys("cam-1", "cam-2", "cam-bad").doesNotContainValue(null);
    }

    /** {@code event}, a clip of one second ending at {@code end}. */
    private static ClipEvent endingAt(ClipEvent event, Instant end) {
        event.setStartTime(end.minusSeconds(1));
        event.setEndTime(end);
        return event;
    }

    @Test
    void changedRulesFileAppliesWithoutRestartKeepingStateOfUnchangedRules() throws Exception {
        kafka.createTopic(topic("events"), 1);
        String fallOnly = withTopic(ClipEvents.FALL_RULES);
        Path rules = rulesFile(fallOnly);
        AlertsService service = start(rules);
        produce(List.of(event("cam-1", 1, "falling", 0.9f), event("cam-1", 2, "falling", 0.9f)));
        awaitProcessed();

        rulesFile(fallOnly + """
                  - name: running
                    labels: [running]
                    outputs:
                      topic: ALERTS
                """);
        await("the new rules are in force", WAIT, () -> service.rules().rule("running").isPresent());
        produce(List.of(event("cam-1", 3, "falling", 0.9f), event("cam-2", 1, "running", 0.7f)));
        awaitProcessed();

        assertThat(alerts()).extracting(Alert::getRule, Alert::getEventCount, Alert::getCameraId)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("fall", 3, "cam-1"),
                        org.assertj.core.groups.Tuple.tuple("running", 1, "cam-2"));
    }

    /**
     * 40 cameras send, then all but 4 stop while those 4 go on. Once event time on its partition is a minute past a
     * camera's last event, the camera is forgotten: the engine holds 4, and the state topic's latest value for each
     * of the other 36 is a tombstone, committed (read_committed) with the alerts and offsets of the batch whose events
     * decided it. A restarted instance restores exactly the 4 live cameras, their dedup ids included.
     */
    @Test
    void camerasThatStopSendingAreForgottenInMemoryAndOnTheStateTopic() throws Exception {
        kafka.createTopic(topic("events"), 2);
        Path rules = rulesFile("""
                rules:
                  - name: fall
                    labels: [falling]
                    outputs:
                      topic: ALERTS
                      stdout: false
                """);
        AlertsConfig config = new AlertsConfig(kafka.bootstrap(), name, "one", topic("events"), topic("state"),
                topic("dlq"), RuleEngine.DEFAULT_DEDUP_WINDOW, Duration.ofMinutes(1), RuleEngine.DEFAULT_MAX_CLOCK_SKEW,
                500, AlertsConfig.DEFAULT_WEBHOOK_QUEUE, Map.of());
        List<ProducerRecord<String, ClipEvent>> everyone = new ArrayList<>();
        for (int second = 1; second <= 2; second++) {
            for (int c = 0; c < 40; c++) {
                everyone.add(onPartitionOf(c, event("cam-" + c, second, "walking", 0.9f)));
            }
        }
        kafka.send(topic("events"), new AvroSerializer<>(ClipEvent.class), everyone);
        AlertsService service = start(rules, config);
        awaitProcessed();
        await("the engine holds all 40 cameras", WAIT, () -> service.camerasHeld() == 40);

        // cameras 0-3 (two on each partition) go on and fall at 90 s, a minute after the others' last event (2 s)
        List<ProducerRecord<String, ClipEvent>> live = new ArrayList<>();
        for (int second : List.of(30, 60, 90)) {
            for (int c = 0; c < 4; c++) {
                live.add(onPartitionOf(c, event("cam-" + c, second, second == 90 ? "falling" : "walking", 0.9f)));
            }
        }
        kafka.send(topic("events"), new AvroSerializer<>(ClipEvent.class), live);
        awaitProcessed();
        await("the engine forgets the 36 silent cameras", WAIT, () -> service.camerasHeld() == 4);
        // the offsets of a transaction can be readable before its marker is written on the state topic
        await("the state topic shows the last transaction", WAIT, () -> storedUpTo(90, 4));

        Map<String, byte[]> state = latestState();
        assertThat(state).hasSize(40);
        for (int c = 0; c < 40; c++) {
            if (c < 4) {
                assertThat(SnapshotCodec.decode(state.get("cam-" + c)).lastEventTime())
                        .isEqualTo(ClipEvents.at(90).toEpochMilli());
            } else {
                assertThat(state.get("cam-" + c)).as("latest state of cam-%d is a tombstone", c).isNull();
            }
        }
        assertThat(alerts()).extracting(Alert::getCameraId)
                .containsExactlyInAnyOrder("cam-0", "cam-1", "cam-2", "cam-3");

        service.close();
        running.remove(service);
        AlertsService restarted = start(rules, config);
        await("the restarted instance restores the 4 live cameras", WAIT, () -> restarted.camerasHeld() == 4);
        // a repeat of cam-0's fall is still a duplicate (its dedup ids were restored); cam-9's event is new again
        kafka.send(topic("events"), new AvroSerializer<>(ClipEvent.class),
                List.of(live.get(live.size() - 4), onPartitionOf(9, event("cam-9", 91, "walking", 0.9f))));
        awaitProcessed();
        await("the restarted instance holds cam-9 again", WAIT, () -> restarted.camerasHeld() == 5);
        assertThat(alerts()).hasSize(4);
        assertThat(latestState().values().stream().filter(value -> value != null).count()).isEqualTo(5);
    }

    /** Camera {@code c}'s events go to input partition {@code c % 2}. */
    private ProducerRecord<String, ClipEvent> onPartitionOf(int c, ClipEvent event) {
        return new ProducerRecord<>(topic("events"), c % 2, event.getCameraId(), event);
    }

    /** Whether the latest committed state of cameras 0 to {@code cameras - 1} is of their event at {@code second}. */
    private boolean storedUpTo(int second, int cameras) {
        Map<String, byte[]> state = latestState();
        for (int c = 0; c < cameras; c++) {
            byte[] snapshot = state.get("cam-" + c);
            try {
                if (snapshot == null
                        || SnapshotCodec.decode(snapshot).lastEventTime() != ClipEvents.at(second).toEpochMilli()) {
                    return false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
    }

    /** The latest committed value of every key of the state topic (null: a tombstone). */
    private Map<String, byte[]> latestState() {
        Map<String, byte[]> latest = new HashMap<>();
        kafka.readAllBytes(topic("state")).forEach(record -> latest.put(record.key(), record.value()));
        return latest;
    }

    /**
     * The consumer runs in a separate JVM that is killed (SIGKILL) mid-stream, then restarted with the same instance
     * id: the committed alerts must be exactly those of one uninterrupted run — none lost, none twice — which needs
     * streaks, cooldowns and the dedup window to survive the kill.
     */
    @Test
    void killedAndRestartedMidStreamLosesAndDuplicatesNoAlert() throws Exception {
        kafka.createTopic(topic("events"), 2);
        String rulesYaml = """
                rules:
                  - name: fall
                    labels: [falling]
                    min-score: 0.8
                    min-consecutive: 3
                    cooldown: 4s
                    outputs:
                      topic: ALERTS
                      stdout: false
                  - name: running
                    labels: [running]
                    min-consecutive: 2
                    outputs:
                      topic: ALERTS
                      stdout: false
                """;
        Path rules = rulesFile(rulesYaml);
        List<ClipEvent> events = ClipEvents.random(12, 1, 50, 42);
        produce(events);

        Path log = dir.resolve("killed-run.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "clipstream.alerts.cli.AlertsCommand", "--bootstrap", kafka.bootstrap(), "--rules", rules.toString(),
                "--group", name, "--instance-id", "one", "--input-topic", topic("events"),
                "--state-topic", topic("state"), "--dlq-topic", topic("dlq"), "--max-poll-records", "2",
                // small fetches, so that both partitions advance before the kill
                "--kafka", "max.partition.fetch.bytes=1024")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<Integer, Long> killedAt;
        try {
            await("the separate JVM commits part of the stream (log: " + log + ")", WAIT,
                    () -> kafka.committedCount(name, topic("events")) >= 60 || !child.isAlive());
            assertThat(child.isAlive()).as("child still running; its log:%n%s", Files.readString(log)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor();
            killedAt = kafka.committedOffsets(name, topic("events"));
        }
        assertThat(killedAt.values().stream().mapToLong(Long::longValue).sum()).as("killed mid-stream")
                .isBetween(60L, events.size() - 1L);
        assertThat(camerasWithStateAt(killedAt, rulesYaml)).as("cameras with a streak or cooldown at the kill")
                .isGreaterThanOrEqualTo(3);

        start(rules);
        awaitProcessed();

        RuleEngine reference = new RuleEngine(RulesLoader.parse(rulesYaml, "f"), RuleEngine.DEFAULT_DEDUP_WINDOW);
        List<Alert> expected = RuleEngineTest.run(reference, events);
        List<Alert> actual = alerts();
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(actual.stream().map(Alert::getAlertId).distinct().count()).as("no duplicate").isEqualTo(actual.size());
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** How many cameras had rule state (a streak or a cooldown) at the committed point {@code cut}. */
    private int camerasWithStateAt(Map<Integer, Long> cut, String rulesYaml) throws Exception {
        RuleEngine engine = new RuleEngine(RulesLoader.parse(rulesYaml, "f"), RuleEngine.DEFAULT_DEDUP_WINDOW);
        for (ConsumerRecord<String, ClipEvent> record
                : kafka.readAll(topic("events"), new AvroDeserializer<>(ClipEvent.class))) {
            if (record.offset() < cut.getOrDefault(record.partition(), 0L)) {
                engine.onEvent(record.value());
            }
        }
        return (int) engine.cameras().stream()
                .filter(camera -> !engine.snapshot(camera).orElseThrow().rules().isEmpty()).count();
    }
}

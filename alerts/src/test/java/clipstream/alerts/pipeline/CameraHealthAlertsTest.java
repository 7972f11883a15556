package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.KafkaBroker.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import clipstream.alerts.engine.CameraCondition;
import clipstream.alerts.engine.CameraHealthWatch;
import clipstream.alerts.engine.CameraSnapshot;
import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.fixtures.CameraFeed;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.fixtures.ManualClock;
import clipstream.alerts.fixtures.WebhookServer;
import clipstream.alerts.outputs.AlertJson;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.state.SnapshotCodec;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.kafka.AvroDeserializer;
import clipstream.schema.kafka.AvroSerializer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera health rule through the real alerting consumer on a real in-JVM Kafka broker, with the consumer's wall
 * clock injected: a camera that stops sending raises one offline alert, a restart does not raise it again, and the
 * camera coming back raises one recovered alert — each committed once on the alerts topic, printed and sent to the
 * webhook like any alert.
 */
class CameraHealthAlertsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GROUP = "health";
    private static final String EVENTS = "health.events";
    private static final String ALERTS = "health.alerts";
    private static final String STATE = "health.state";
    private static KafkaBroker kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void aCameraThatStopsIsOfflineOnceAndRecoveredOnceAcrossARestart() throws Exception {
        kafka.createTopic(EVENTS, 1);
        ManualClock clock = new ManualClock(Instant.now());
        CameraFeed camera = new CameraFeed("cam-1", clock);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        AlertsConfig config = new AlertsConfig(kafka.bootstrap(), GROUP, "one", EVENTS, STATE, "health.dlq",
                RuleEngine.DEFAULT_DEDUP_WINDOW, 500, Map.of());
        try (WebhookServer webhook = WebhookServer.start(() -> 200)) {
            Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                    rules:
                      - name: approaching
                        labels: [approach]
                        outputs: {topic: %1$s}
                      - name: camera-down
                        health:
                          offline-after: 10s
                          recovered-after: 20s
                        outputs:
                          topic: %1$s
                          webhook: {url: %2$s}
                    """.formatted(ALERTS, webhook.url()));

            try (AlertsService service = start(rules, config, terminal, clock)) {
                produce(camera.frames(25, Duration.ofSeconds(5)));
                await("the consumer commits the camera's events", WAIT, () -> kafka.caughtUp(GROUP, EVENTS));
                assertThat(alerts()).isEmpty();

                clock.advance(Duration.ofSeconds(11)); // the camera stops
                await("the offline alert is committed", WAIT, () -> alerts().size() == 1);
            }
            // stored with the alert (its marker on the state topic may be written a moment after the alert's)
            await("the offline condition is on the state topic", WAIT,
                    () -> storedCondition("cam-1") == CameraCondition.OFFLINE);

            try (AlertsService restarted = start(rules, config, terminal, clock)) {
                await("the restarted consumer restores cam-1", WAIT, () -> restarted.camerasHeld() == 1);
                clock.advance(Duration.ofMinutes(1)); // still silent: nothing new to say
                for (int second = 0; second < 40 && alerts().size() < 2; second++) {
                    produce(camera.frames(25, Duration.ofSeconds(1))); // back, one second at a time
                    await("the consumer commits the camera's events", WAIT, () -> kafka.caughtUp(GROUP, EVENTS));
                }
                await("the webhook gets both alerts", WAIT, () -> webhook.accepted().size() >= 2);
            }

            List<Alert> alerts = alerts();
            assertThat(alerts).extracting(Alert::getKind)
                    .containsExactly(CameraHealthWatch.KIND_OFFLINE, CameraHealthWatch.KIND_RECOVERED);
            assertThat(alerts).extracting(Alert::getLabel).containsExactly("offline", "recovered");
            assertThat(alerts).extracting(Alert::getCameraId).containsOnly("cam-1");
            assertThat(alerts).extracting(Alert::getRule).containsOnly("camera-down");
            assertThat(alerts.get(0).getReason()).isEqualTo("no clip event for 11s (offline-after 10s)");
            assertThat(alerts.get(1).getReason()).startsWith("clip events again for 20s (recovered-after 20s)");
            assertThat(webhook.accepted()).extracting(WebhookServer.Received::body)
                    .containsExactly(AlertJson.toJson(alerts.get(0)), AlertJson.toJson(alerts.get(1)));
            assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).hasSize(2).satisfiesExactly(
                    line -> assertThat(line).contains("  cam-1  offline  rule=camera-down  no clip event for 11s"),
                    line -> assertThat(line).contains("  cam-1  recovered  rule=camera-down  clip events again"));
        }
    }

    /**
     * The transaction of a poll without events that carries the offline alert fails (not a timeout): it is aborted,
     * the state rewound to the last commit, and the camera judged again at once (the replay does not restart its
     * silence) — the alert is committed once, with its state, and a later batch does not raise it again.
     */
    @Test
    void aFailedHealthTransactionIsDecidedAgainAndCommittedOnce() throws Exception {
        String events = "failing.events";
        String alertsTopic = "failing.alerts";
        kafka.createTopic(events, 1);
        ManualClock clock = new ManualClock(Instant.now());
        CameraFeed camera = new CameraFeed("cam-1", clock);
        AlertsConfig config = new AlertsConfig(kafka.bootstrap(), "failing", "one", events, "failing.state",
                "failing.dlq", RuleEngine.DEFAULT_DEDUP_WINDOW, 500, Map.of());
        Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: camera-down
                    health: {offline-after: 10s}
                    outputs: {topic: %s, stdout: false}
                """.formatted(alertsTopic));
        List<FirstHealthCommitFails> producers = new CopyOnWriteArrayList<>();
        try (AlertsService service = new AlertsService(config, rules, new TerminalOutput(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, ZoneOffset.UTC),
                properties -> {
                    FirstHealthCommitFails producer = new FirstHealthCommitFails(properties);
                    producers.add(producer);
                    return producer;
                }, clock)) {
            service.start();
            send(events, camera.frames(25, Duration.ofSeconds(5)));
            await("the consumer commits the camera's events", WAIT, () -> kafka.caughtUp("failing", events));

            clock.advance(Duration.ofSeconds(11));
            await("the offline alert's transaction fails", WAIT,
                    () -> producers.stream().anyMatch(producer -> producer.failures.get() == 1));
            await("the offline alert is decided again and committed", WAIT, () -> alerts(alertsTopic).size() == 1);

            send(events, new CameraFeed("cam-2", clock).frames(25, Duration.ofSeconds(2)));
            await("a later batch is committed", WAIT, () -> kafka.caughtUp("failing", events));
            assertThat(service.failure()).isEmpty();
        }
        assertThat(alerts(alertsTopic)).extracting(Alert::getCameraId, Alert::getLabel, Alert::getReason)
                .containsExactly(tuple("cam-1", "offline", "no clip event for 11s (offline-after 10s)"));
        assertThat(producers).singleElement().satisfies(producer -> assertThat(producer.failures).hasValue(1));
    }

    private static AlertsService start(Path rules, AlertsConfig config, ByteArrayOutputStream terminal,
                                       ManualClock clock) throws Exception {
        AlertsService service = new AlertsService(config, rules,
                new TerminalOutput(new PrintStream(terminal, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC),
                AlertsPipeline::newProducer, clock);
        service.start();
        return service;
    }

    /**
     * A real producer whose first commit of a transaction without consumer offsets (a poll without events whose
     * camera health judgement raised alerts) fails as a broken transaction does, before reaching the broker.
     */
    private static final class FirstHealthCommitFails extends KafkaProducer<byte[], byte[]> {
        final AtomicInteger failures = new AtomicInteger();
        private boolean offsetsSent;

        FirstHealthCommitFails(Properties properties) {
            super(properties, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void beginTransaction() {
            offsetsSent = false;
            super.beginTransaction();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata metadata) {
            offsetsSent = true;
            super.sendOffsetsToTransaction(offsets, metadata);
        }

        @Override
        public void commitTransaction() {
            if (!offsetsSent && failures.get() == 0) {
                failures.incrementAndGet();
                throw new KafkaException("injected: the transaction of a camera health judgement failed");
            }
            super.commitTransaction();
        }
    }

    private static void produce(List<ClipEvent> events) throws Exception {
        send(EVENTS, events);
    }

    private static void send(String topic, List<ClipEvent> events) throws Exception {
        kafka.send(topic, new AvroSerializer<>(ClipEvent.class),
                events.stream().map(e -> new ProducerRecord<>(topic, e.getCameraId(), e)).toList());
    }

    /** Every committed alert, in order. */
    private static List<Alert> alerts() {
        return alerts(ALERTS);
    }

    private static List<Alert> alerts(String topic) {
        return kafka.readAll(topic, new AvroDeserializer<>(Alert.class)).stream().map(ConsumerRecord::value).toList();
    }

    /** The condition of rule camera-down for {@code camera} in its latest committed state (null: none). */
    private static CameraCondition storedCondition(String camera) {
        Map<String, byte[]> latest = new HashMap<>();
        kafka.readAllBytes(STATE).forEach(record -> latest.put(record.key(), record.value()));
        try {
            CameraSnapshot stored = latest.get(camera) == null ? null : SnapshotCodec.decode(latest.get(camera));
            return stored == null || stored.health() == null ? null
                    : stored.health().rules().get("camera-down").condition();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

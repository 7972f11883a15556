package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.KafkaBroker.await;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.engine.RuleEngineTest;
import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.fixtures.WebhookServer;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.rules.RulesLoader;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.kafka.AvroDeserializer;
import clipstream.schema.kafka.AvroSerializer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting consumer through a real broker restart: its own embedded broker is stopped mid-stream and started
 * again on the same address with the same data, as a broker restarts.
 */
class AlertsBrokerRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String GROUP = "restart";
    private static final String EVENTS = "restart.events";
    private static final String ALERTS = "restart.alerts";
    /**
     * Short client timeouts, so that every client feels an outage of a few seconds: the transactional producer's
     * calls give up after max.block.ms, the webhook dispatcher's offset commit after default.api.timeout.ms.
     */
    private static final Map<String, String> SHORT_TIMEOUTS = Map.of("max.block.ms", "2000",
            "default.api.timeout.ms", "3000", "request.timeout.ms", "2000");
    private static final String RULES = """
            rules:
              - name: fall
                labels: [falling]
                min-score: 0.8
                min-consecutive: 3
                cooldown: 4s
                outputs:
                  topic: ALERTS
                  stdout: false
                  webhook:
                    url: WEBHOOK
                    timeout: 30s
              - name: running
                labels: [running]
                min-consecutive: 2
                outputs:
                  topic: ALERTS
                  stdout: false
            """;

    /**
     * The broker goes down while the event loop is in the middle of the stream (two events per transaction) and
     * while the webhook holds an alert, which it accepts once the broker is gone: the event loop's transactional
     * calls and the dispatcher's offset commit time out. The broker stays down until the event loop has timed out
     * three times (at least 6 s of max.block.ms), then comes back, and more events follow. The service never stops;
     * the committed alerts are exactly those of one undisturbed run, none lost and none twice; the webhook gets every
     * alert (at least once, as it is promised).
     */
    @Test
    void theServiceRidesOutABrokerRestartAndEveryAlertArrivesOnce(@TempDir Path dir) throws Exception {
        CountDownLatch webhookHolds = new CountDownLatch(1);
        CountDownLatch brokerDown = new CountDownLatch(1);
        AtomicInteger webhookCalls = new AtomicInteger();
        try (KafkaBroker kafka = KafkaBroker.start();
             WebhookServer webhook = WebhookServer.start(() -> {
                 if (webhookCalls.getAndIncrement() == 0) {
                     // the first alert is answered only once the broker is down
                     webhookHolds.countDown();
                     awaitUninterruptibly(brokerDown);
                 }
                 return 200;
             })) {
            kafka.createTopic(EVENTS, 2);
            List<ClipEvent> before = ClipEvents.random(12, 1, 50, 42);
            List<ClipEvent> after = ClipEvents.random(12, 51, 60, 43);
            produce(kafka, before);
            String rulesYaml = RULES.replace("ALERTS", ALERTS).replace("WEBHOOK", webhook.url().toString());
            Path rules = Files.writeString(dir.resolve("rules.yaml"), rulesYaml);
            AlertsConfig config = new AlertsConfig(kafka.bootstrap(), GROUP, "one", EVENTS, "restart.state",
                    "restart.dlq", RuleEngine.DEFAULT_DEDUP_WINDOW, RuleEngine.DEFAULT_CAMERA_EXPIRY,
                    RuleEngine.DEFAULT_MAX_CLOCK_SKEW, 2, AlertsConfig.DEFAULT_WEBHOOK_QUEUE, SHORT_TIMEOUTS);
            List<TimeoutCounting> producers = new CopyOnWriteArrayList<>();
            AlertsService service = new AlertsService(config, rules,
                    new TerminalOutput(new PrintStream(OutputStream.nullOutputStream()), false, ZoneOffset.UTC),
                    properties -> {
                        TimeoutCounting producer = new TimeoutCounting(properties);
                        producers.add(producer);
                        return producer;
                    });
            try {
                service.start();
                await("the webhook holds its first alert and the event loop is mid-stream", WAIT,
                        () -> service.failure().isPresent() || webhookHolds.getCount() == 0
                                && kafka.committedCount(GROUP, EVENTS) >= 60);
                assertThat(service.failure()).isEmpty();

                kafka.stop();
                brokerDown.countDown();
                // the event loop calls the producer only with a batch in hand: it was mid-stream
                await("the event loop's calls time out three times", WAIT,
                        () -> service.failure().isPresent() || timeouts(producers) >= 3);
                assertThat(service.failure()).isEmpty();
                kafka.startAgain();
                produce(kafka, after);

                await("the consumer commits every event, or fails", WAIT,
                        () -> service.failure().isPresent() || kafka.caughtUp(GROUP, EVENTS));
                assertThat(service.failure()).isEmpty();
                assertThat(service.awaitTermination(Duration.ZERO)).as("the service still runs").isFalse();

                List<ClipEvent> all = new ArrayList<>(before);
                all.addAll(after);
                List<Alert> expected = RuleEngineTest.run(
                        new RuleEngine(RulesLoader.parse(rulesYaml, "f"), RuleEngine.DEFAULT_DEDUP_WINDOW), all);
                List<Alert> actual = kafka.readAll(ALERTS, new AvroDeserializer<>(Alert.class)).stream()
                        .map(ConsumerRecord::value).toList();
                assertThat(expected).hasSizeGreaterThan(20);
                assertThat(actual).extracting(Alert::getAlertId).doesNotHaveDuplicates();
                assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
                List<String> falls = expected.stream().filter(a -> a.getRule().equals("fall"))
                        .map(Alert::getAlertId).toList();
                await("the webhook has every fall alert and the dispatcher commits past them", WAIT,
                        () -> service.failure().isPresent() || kafka.caughtUp(GROUP + "-webhooks", ALERTS));
                assertThat(service.failure()).isEmpty();
                assertThat(webhook.accepted()).extracting(request -> request.header("Idempotency-Key"))
                        .containsAll(falls).hasSizeGreaterThanOrEqualTo(falls.size());
            } finally {
                service.close();
            }
        }
    }

    private static void produce(KafkaBroker kafka, List<ClipEvent> events) throws Exception {
        kafka.send(EVENTS, new AvroSerializer<>(ClipEvent.class),
                events.stream().map(e -> new ProducerRecord<>(EVENTS, e.getCameraId(), e)).toList());
    }

    private static int timeouts(List<TimeoutCounting> producers) {
        return producers.stream().mapToInt(p -> p.timeouts.get()).sum();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A real transactional producer that counts the {@link TimeoutException}s of its transactional calls. */
    private static final class TimeoutCounting extends KafkaProducer<byte[], byte[]> {
        final AtomicInteger timeouts = new AtomicInteger();

        TimeoutCounting(Properties properties) {
            super(properties, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void initTransactions() {
            counting(super::initTransactions);
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             ConsumerGroupMetadata groupMetadata) {
            counting(() -> super.sendOffsetsToTransaction(offsets, groupMetadata));
        }

        @Override
        public void commitTransaction() {
            counting(super::commitTransaction);
        }

        @Override
        public void abortTransaction() {
            counting(super::abortTransaction);
        }

        private void counting(Runnable call) {
            try {
                call.run();
            } catch (TimeoutException e) {
                timeouts.incrementAndGet();
                throw e;
            }
        }
    }
}

package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.KafkaBroker.await;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.fixtures.JobProducer;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.common.stats.Percentiles;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.kafka.AvroDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long an alert takes to be visible, from its event's record timestamp (the end time of its clip: the capture
 * time of its last frame), with and without {@code --read-uncommitted}, while a transactional producer playing the
 * job's exactly-once sink commits every 10 s (the job's default checkpoint interval). One event every 250 ms, each
 * raising an alert (min-consecutive 1); visible means committed on the alerts topic and read there by a read_committed
 * consumer. Prints a table and writes {@code target/alert-latency.json}; asserts nothing about time.
 *
 * <p>On demand only (the name does not match surefire's test patterns):
 * {@code mvn -B -o -pl alerts test -Dtest=AlertLatencyBenchmark}. About 80 s.
 */
class AlertLatencyBenchmark {
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    private static final int CHECKPOINTS = 3;
    private static final Duration EVENT_EVERY = Duration.ofMillis(250);
    private static final String RULES = """
            rules:
              - name: every-fall
                labels: [falling]
                min-score: 0
                min-consecutive: 1
                outputs: {topic: ALERTS, stdout: false}
            """;

    @TempDir
    Path dir;

    @Test
    void alertDelayWithAndWithoutReadUncommitted() throws Exception {
        Map<String, Percentiles> results = new LinkedHashMap<>();
        try (KafkaBroker kafka = KafkaBroker.start()) {
            for (boolean uncommitted : new boolean[] {false, true}) {
                String mode = uncommitted ? "read_uncommitted" : "read_committed";
                results.put(mode, measure(kafka, mode.replace('_', '-'), uncommitted));
            }
        }
        System.out.printf(Locale.ROOT, "%nAlert delay from the event's record timestamp to the alert visible"
                + " (job commits every %d s, one event per %d ms)%n", CHECKPOINT_INTERVAL.toSeconds(),
                EVENT_EVERY.toMillis());
        System.out.printf(Locale.ROOT, "%-18s %7s %9s %9s %9s %9s%n", "isolation", "alerts", "p50 ms", "p95 ms",
                "p99 ms", "max ms");
        results.forEach((mode, delay) -> System.out.printf(Locale.ROOT, "%-18s %7d %9.0f %9.0f %9.0f %9.0f%n", mode,
                delay.count(), delay.p50(), delay.p95(), delay.p99(), delay.max()));
        Path json = Path.of("target", "alert-latency.json");
        Files.createDirectories(json.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), Map.of(
                "checkpointIntervalMs", CHECKPOINT_INTERVAL.toMillis(), "eventEveryMs", EVENT_EVERY.toMillis(),
                "delayMs", results));
        System.out.println("written to " + json.toAbsolutePath());
    }

    /** The delays (ms) of every alert of one run: {@link #CHECKPOINTS} transactions of the job. */
    private Percentiles measure(KafkaBroker kafka, String name, boolean uncommitted) throws Exception {
        String events = name + ".events";
        String alerts = name + ".alerts";
        kafka.createTopic(events, 1);
        Path rules = Files.writeString(dir.resolve(name + ".yaml"), RULES.replace("ALERTS", alerts));
        AlertsConfig config = new AlertsConfig(kafka.bootstrap(), name, "one", events, name + ".state", name + ".dlq",
                RuleEngine.DEFAULT_DEDUP_WINDOW, 500, Map.of()).withReadUncommitted(uncommitted);
        List<Long> delays = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        int written = 0;
        try (AlertsService service = new AlertsService(config, rules, new TerminalOutput(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), false, ZoneOffset.UTC));
             JobProducer job = new JobProducer(kafka, events, name + "-job")) {
            service.start();
            Thread watcher = new Thread(() -> watch(kafka, alerts, delays, watching), name + "-watcher");
            watcher.start();
            await("the consumer joins", Duration.ofSeconds(60), () -> kafka.groupIsStable(name));
            for (int checkpoint = 0; checkpoint < CHECKPOINTS; checkpoint++) {
                job.begin();
                long commitAt = System.currentTimeMillis() + CHECKPOINT_INTERVAL.toMillis();
                while (System.currentTimeMillis() < commitAt) {
                    job.write(List.of(eventNow(++written)));
                    TimeUnit.MILLISECONDS.sleep(EVENT_EVERY.toMillis());
                }
                job.commit();
            }
            int expected = written;
            await("every alert visible", Duration.ofSeconds(60), () -> delays.size() >= expected);
            watching.set(false);
            watcher.join();
        }
        return Percentiles.of(delays);
    }

    /** Reads the alerts topic read_committed and records, per alert, now minus its event's end time. */
    private static void watch(KafkaBroker kafka, String topic, List<Long> delays, AtomicBoolean watching) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, Alert> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new AvroDeserializer<>(Alert.class))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (watching.get()) {
                for (ConsumerRecord<String, Alert> record : consumer.poll(Duration.ofMillis(20))) {
                    delays.add(System.currentTimeMillis() - record.value().getLastEventTime().toEpochMilli());
                }
            }
        }
    }

    /** Clip {@code n} of cam-1, its last frame captured now. */
    private static ClipEvent eventNow(int n) {
        ClipEvent event = ClipEvents.event("cam-1", n, "falling", 0.9f);
        long now = System.currentTimeMillis();
        event.setStartTime(Instant.ofEpochMilli(now - 1000));
        event.setEndTime(Instant.ofEpochMilli(now));
        return event;
    }
}

package clipstream.it.e2e;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.alerts.pipeline.AlertsService;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The real alerting consumer ({@link AlertsService}) over one events topic, with the demo's rules
 * ({@code src/main/resources/demo/rules.yaml}) writing to an alerts topic of this run's own. {@link #awaitAlerts}
 * waits until it has committed the offset of every event of the topic, then returns what it raised.
 */
final class AlertsRun {
    /** The demo rules, with every alert on {@code %1$s} and nothing printed. */
    private static final String RULES = """
            rules:
              - name: something-approaching
                labels: [approach]
                min-score: 0.6
                cameras: all
                min-consecutive: 1
                cooldown: 10s
                outputs: {topic: %1$s, stdout: false}
              - name: blinking-light
                labels: [blink]
                min-score: 0.6
                min-consecutive: 1
                cooldown: 10s
                outputs: {topic: %1$s, stdout: false}
              - name: rotating-object
                labels: [rotate_cw, rotate_ccw]
                min-consecutive: 2
                cooldown: 30s
                outputs: {topic: %1$s, stdout: false}
            """;

    private AlertsRun() {
    }

    /** Runs the alerting consumer over {@code eventsTopic} until it has consumed all of it; its committed alerts. */
    static List<Alert> awaitAlerts(EmbeddedKafka kafka, String eventsTopic, Path folder, Duration timeout)
            throws Exception {
        return awaitAlerts(kafka, eventsTopic, RULES, folder, timeout);
    }

    /**
     * As {@link #awaitAlerts(EmbeddedKafka, String, Path, Duration)} with other rules: {@code rulesTemplate} is a
     * rules file in which {@code %1$s} stands for this run's alerts topic.
     */
    static List<Alert> awaitAlerts(EmbeddedKafka kafka, String eventsTopic, String rulesTemplate, Path folder,
                                   Duration timeout) throws Exception {
        try (Live live = start(kafka, eventsTopic, rulesTemplate, folder, false)) {
            return live.awaitAlerts(timeout);
        }
    }

    /**
     * Starts the alerting consumer over {@code eventsTopic} with the demo rules, to run while the job writes it; with
     * {@code readUncommitted} it reads the events as they are written (alerts before the commit), aborted
     * transactions' events included.
     */
    static Live start(EmbeddedKafka kafka, String eventsTopic, Path folder, boolean readUncommitted) throws Exception {
        return start(kafka, eventsTopic, RULES, folder, readUncommitted);
    }

    private static Live start(EmbeddedKafka kafka, String eventsTopic, String rulesTemplate, Path folder,
                              boolean readUncommitted) throws Exception {
        String alertsTopic = E2eJobs.unique("alerts");
        String group = E2eJobs.unique("alerts-group");
        Path rules = folder.resolve(alertsTopic + ".yaml");
        Files.writeString(rules, rulesTemplate.formatted(alertsTopic));
        AlertsConfig config = new AlertsConfig(kafka.bootstrapServers(), group, "e2e", eventsTopic,
                E2eJobs.unique("alerts-state"), E2eJobs.unique("alerts-dlq"), RuleEngine.DEFAULT_DEDUP_WINDOW,
                AlertsConfig.DEFAULT_MAX_POLL_RECORDS, Map.of()).withReadUncommitted(readUncommitted);
        AlertsService service = new AlertsService(config, rules,
                new TerminalOutput(new PrintStream(PrintStream.nullOutputStream()), false, ZoneId.of("UTC")));
        service.start();
        return new Live(kafka, eventsTopic, alertsTopic, group, service);
    }

    /** A running alerting consumer. */
    static final class Live implements AutoCloseable {
        private final EmbeddedKafka kafka;
        private final String eventsTopic;
        private final String alertsTopic;
        private final String group;
        private final AlertsService service;

        private Live(EmbeddedKafka kafka, String eventsTopic, String alertsTopic, String group,
                     AlertsService service) {
            this.kafka = kafka;
            this.eventsTopic = eventsTopic;
            this.alertsTopic = alertsTopic;
            this.group = group;
            this.service = service;
        }

        /**
         * Waits until the consumer has committed the offset of every committed event now in the topic, stops it, and
         * returns the alerts it committed.
         */
        List<Alert> awaitAlerts(Duration timeout) throws Exception {
            Map<TopicPartition, Long> afterLastEvent = afterLastRecord(kafka, eventsTopic);
            try (Admin admin = kafka.admin()) {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!consumed(admin, group, afterLastEvent)) {
                    service.failure().ifPresent(cause -> {
                        throw new AssertionError("The alerting consumer failed: " + cause, cause);
                    });
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("The alerting consumer did not consume " + eventsTopic + " within "
                                + timeout.toSeconds() + " s");
                    }
                    service.awaitTermination(Duration.ofMillis(200)); // a poll interval that ends early if it stops
                }
            } finally {
                service.close();
            }
            try (var alerts = new CommittedTopic<>(kafka.bootstrapServers(), alertsTopic, Alert.class)) {
                return alerts.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
            }
        }

        @Override
        public void close() throws InterruptedException {
            service.close();
        }
    }

    /**
     * Per partition, the offset after its last committed event. (Not the end offset: a transactional topic ends
     * with a commit marker, which a consumer skips but never commits an offset past.)
     */
    private static Map<TopicPartition, Long> afterLastRecord(EmbeddedKafka kafka, String topic) {
        Map<TopicPartition, Long> after = new HashMap<>();
        try (var events = new CommittedTopic<>(kafka.bootstrapServers(), topic, ClipEvent.class)) {
            for (var event : events.readToEnd(Duration.ofSeconds(30))) {
                after.merge(new TopicPartition(topic, event.partition()), event.offset() + 1, Math::max);
            }
        }
        return after;
    }

    private static boolean consumed(Admin admin, String group, Map<TopicPartition, Long> afterLastEvent)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        for (var partition : afterLastEvent.entrySet()) {
            OffsetAndMetadata offset = committed.get(partition.getKey());
            if (offset == null || offset.offset() < partition.getValue()) {
                return false;
            }
        }
        return true;
    }
}

package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.ClipEvents.event;
import static clipstream.alerts.fixtures.KafkaBroker.await;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.fixtures.JobProducer;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.rules.RulesLoader;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.kafka.AvroDeserializer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --read-uncommitted} on a real in-JVM Kafka broker, with a transactional producer playing the job's
 * exactly-once sink: alerts come while the job's transaction is still open, an aborted transaction and its replay
 * (the same event ids, committed) raise each alert once — across a restart of the consumer in between — and an
 * aborted event that is never replayed keeps the alert it raised, which names it.
 */
class ReadUncommittedAlertsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RULES = """
            rules:
              - name: fall
                labels: [falling]
                min-score: 0.8
                min-consecutive: 2
                outputs: {topic: ALERTS, stdout: false}
            """;
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

    /**
     * The job commits clips 1-2 of cam-1, writes 3-5 in a transaction that a failure aborts, and its replay writes
     * 3-5 again (same ids) and goes on to 8 before it commits. The consumer, restarted between the abort and the
     * replay, raises the alerts over 2-3 and 4-5 while the first transaction is open and the one over 7-8 while the
     * replay's is: each once, exactly the alerts of one read_committed run over the committed events.
     */
    @Test
    void alertsComeBeforeTheCommitAndOnceAcrossAnAbortAndItsReplay() throws Exception {
        Topics topics = new Topics("replay");
        kafka.createTopic(topics.events, 1);
        Path rules = rules(topics.alerts);
        AlertsConfig config = topics.config("one").withReadUncommitted(true);
        List<ClipEvent> committedFirst = List.of(event("cam-1", 1, "walking", 0.9f),
                event("cam-1", 2, "falling", 0.9f));
        List<ClipEvent> aborted = fallingFrom(3, 5);
        List<ClipEvent> replay = Stream.concat(fallingFrom(3, 5).stream(), Stream.of(event("cam-1", 6, "walking", 0.9f),
                event("cam-1", 7, "falling", 0.9f), event("cam-1", 8, "falling", 0.9f))).toList();

        try (JobProducer job = new JobProducer(kafka, topics.events, "job-replay")) {
            job.begin();
            job.write(committedFirst);
            job.commit();
            try (AlertsService service = start(rules, config)) {
                job.begin();
                job.write(aborted);
                await("the alerts over clips 2-3 and 4-5, while their transaction is open", WAIT,
                        () -> alerts(topics.alerts).size() == 2);
                assertThat(committedEvents(topics.events)).as("the transaction is still open").hasSize(2);
                await("the consumer commits its offsets past the open transaction", WAIT,
                        () -> kafka.caughtUp(topics.group, topics.events));
            }
            job.abort(); // the job fails: its checkpoint never completes
        }
        assertThat(committedEvents(topics.events)).as("the aborted events never commit").hasSize(2);

        try (JobProducer restartedJob = new JobProducer(kafka, topics.events, "job-replay");
             AlertsService restarted = start(rules, config)) {
            await("the restarted consumer restores cam-1", WAIT, () -> restarted.camerasHeld() == 1);
            restartedJob.begin();
            restartedJob.write(replay);
            await("the alert over clips 7-8, while the replay's transaction is open", WAIT,
                    () -> alerts(topics.alerts).size() == 3);
            assertThat(committedEvents(topics.events)).as("the replay is still open").hasSize(2);
            restartedJob.commit();
            // offsets 0-1 committed events, 2 the commit marker, 3-5 aborted, 6 the abort marker, 7-12 the replay
            awaitConsumed(topics.group, topics.events, 13);
        }

        List<ClipEvent> committed = committedEvents(topics.events);
        assertThat(committed).extracting(ClipEvent::getEventId).doesNotHaveDuplicates().hasSize(8);
        RuleEngine oneRun = new RuleEngine(RulesLoader.parse(RULES, "t"), RuleEngine.DEFAULT_DEDUP_WINDOW);
        List<Alert> expected = new ArrayList<>();
        committed.forEach(event -> oneRun.onEvent(event).forEach(raised -> expected.add(raised.alert())));
        List<Alert> alerts = alerts(topics.alerts);
        assertThat(alerts).containsExactlyElementsOf(expected);
        assertThat(alerts).extracting(Alert::getEventIds).containsExactly(
                List.of("cam-1:32:c3d@1", "cam-1:48:c3d@1"), List.of("cam-1:64:c3d@1", "cam-1:80:c3d@1"),
                List.of("cam-1:112:c3d@1", "cam-1:128:c3d@1"));
        assertThat(alerts).extracting(Alert::getAlertId).doesNotHaveDuplicates();
        assertThat(alerts.stream().flatMap(alert -> alert.getEventIds().stream())).doesNotHaveDuplicates();
    }

    /**
     * The job writes clips 1-2 of cam-2, fails, and its restart (which aborts that transaction) never writes them
     * again — say it was restored without its state. The alert over them stays: it was committed while they were
     * in the open transaction. Its event ids are what tells: none of them is among the committed events, and a
     * read_committed consumer of the same events raises nothing.
     */
    @Test
    void anAbortedEventNeverReplayedKeepsTheAlertItRaisedWhichNamesIt() throws Exception {
        Topics topics = new Topics("never");
        Topics committedOnly = new Topics("never-committed");
        kafka.createTopic(topics.events, 1);
        List<ClipEvent> aborted = List.of(event("cam-2", 1, "falling", 0.9f), event("cam-2", 2, "falling", 0.9f));

        try (AlertsService uncommitted = start(rules(topics.alerts), topics.config("one").withReadUncommitted(true));
             AlertsService readCommitted = start(rules(committedOnly.alerts),
                     committedOnly.withEvents(topics.events).config("one"))) {
            JobProducer job = new JobProducer(kafka, topics.events, "job-never");
            job.begin();
            job.write(aborted);
            await("the alert over the open transaction's clips 1-2", WAIT, () -> alerts(topics.alerts).size() == 1);
            job.crash();
            try (JobProducer restartedJob = new JobProducer(kafka, topics.events, "job-never")) {
                restartedJob.begin();
                restartedJob.write(List.of(event("cam-2", 3, "walking", 0.9f)));
                restartedJob.commit();
            }
            // offsets 0-1 aborted, 2 the abort marker, 3 the restarted job's event
            awaitConsumed(topics.group, topics.events, 4);
            awaitConsumed(committedOnly.group, topics.events, 4);
        }

        Alert alert = alerts(topics.alerts).get(0);
        assertThat(alerts(topics.alerts)).hasSize(1);
        assertThat(alert.getEventIds()).containsExactly("cam-2:16:c3d@1", "cam-2:32:c3d@1");
        assertThat(committedEvents(topics.events)).extracting(ClipEvent::getEventId)
                .containsExactly("cam-2:48:c3d@1").doesNotContainAnyElementsOf(alert.getEventIds());
        assertThat(alerts(committedOnly.alerts)).as("read_committed: no alert").isEmpty();
    }

    /**
     * Waits until {@code group} has committed its offset on partition 0 of {@code topic} at {@code next}: it consumed
     * every record before. ({@link KafkaBroker#caughtUp} compares with the log's end, which a transaction's closing
     * marker holds, and the consumer commits the offset after its last record.)
     */
    private static void awaitConsumed(String group, String topic, long next) throws InterruptedException {
        await(group + " consumes " + topic + " up to offset " + next, WAIT,
                () -> kafka.committedOffsets(group, topic).getOrDefault(0, -1L) >= next);
    }

    private static List<ClipEvent> fallingFrom(int from, int to) {
        List<ClipEvent> events = new ArrayList<>();
        for (int second = from; second <= to; second++) {
            events.add(event("cam-1", second, "falling", 0.9f));
        }
        return events;
    }

    private Path rules(String alertsTopic) throws Exception {
        return Files.writeString(dir.resolve(alertsTopic + ".yaml"), RULES.replace("ALERTS", alertsTopic));
    }

    private static AlertsService start(Path rules, AlertsConfig config) throws Exception {
        AlertsService service = new AlertsService(config, rules, new TerminalOutput(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8), false, ZoneOffset.UTC));
        service.start();
        return service;
    }

    /** The committed alerts (read_committed), in order. */
    private static List<Alert> alerts(String topic) {
        return kafka.readAll(topic, new AvroDeserializer<>(Alert.class)).stream().map(ConsumerRecord::value).toList();
    }

    /** The clip events a read_committed reader sees now. */
    private static List<ClipEvent> committedEvents(String topic) {
        return kafka.readAll(topic, new AvroDeserializer<>(ClipEvent.class)).stream().map(ConsumerRecord::value)
                .toList();
    }

    /** The topics and group of one test's consumer. */
    private record Topics(String group, String events, String alerts, String state, String dlq) {
        Topics(String name) {
            this(name, name + ".events", name + ".alerts", name + ".state", name + ".dlq");
        }

        AlertsConfig config(String instance) {
            return new AlertsConfig(kafka.bootstrap(), group, instance, events, state, dlq,
                    RuleEngine.DEFAULT_DEDUP_WINDOW, 500, Map.of());
        }

        Topics withEvents(String topic) {
            return new Topics(group, topic, alerts, state, dlq);
        }
    }
}

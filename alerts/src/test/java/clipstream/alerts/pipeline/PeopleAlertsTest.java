package clipstream.alerts.pipeline;

import static clipstream.alerts.fixtures.KafkaBroker.await;
import static clipstream.alerts.fixtures.PersonEvents.PEOPLE_RULES;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.CameraSnapshot;
import clipstream.alerts.engine.PersonSnapshot;
import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.fixtures.KafkaBroker;
import clipstream.alerts.fixtures.PersonEvents;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.rules.RulesLoader;
import clipstream.alerts.state.SnapshotCodec;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.kafka.AvroDeserializer;
import clipstream.schema.kafka.AvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Person events through the real alerting consumer on a real in-JVM Kafka broker: per-person streaks and cooldowns,
 * alerts that name the person, and people's state carried over a restart by the state topic.
 */
class PeopleAlertsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GROUP = "people";
    private static final String EVENTS = "people.events";
    private static final String ALERTS = "people.alerts";
    private static final String STATE = "people.state";
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

    private static ClipEvent person(long track, int second, String label) {
        return PersonEvents.event("cam-1", track, second, label, 0.9f);
    }

    /**
     * People on one camera, interleaved, with the consumer restarted in between. Before the restart: 3 runs once,
     * 2 falls (an alert, then 30 s of cooldown for 2 only), 1 walks. After it: 1 walks on, 3's second run completes
     * the restored streak, 2's second fall is inside the restored cooldown, 4's fall alerts at once. The alerts are
     * exactly those of one engine over all the events, and the terminal names each person.
     */
    @Test
    void alertsArePerPersonNameThePersonAndSurviveARestart() throws Exception {
        kafka.createTopic(EVENTS, 1);
        Path rules = Files.writeString(dir.resolve("rules.yaml"),
                PEOPLE_RULES.replace("outputs: {stdout: false}", "outputs: {topic: " + ALERTS + "}"));
        AlertsConfig config = new AlertsConfig(kafka.bootstrap(), GROUP, "one", EVENTS, STATE, "people.dlq",
                RuleEngine.DEFAULT_DEDUP_WINDOW, 500, Map.of());
        List<ClipEvent> before = List.of(person(3, 1, "run"), person(1, 1, "walk"), person(2, 2, "fall"),
                person(1, 2, "walk"));
        List<ClipEvent> after = List.of(person(1, 3, "walk"), person(3, 3, "run"), person(2, 10, "fall"),
                person(4, 11, "fall"));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        produce(before);
        try (AlertsService service = start(rules, config, terminal)) {
            await("the consumer commits the events before the restart", WAIT, () -> kafka.caughtUp(GROUP, EVENTS));
        }
        CameraSnapshot stored = SnapshotCodec.decode(latestState().get("cam-1"));
        assertThat(stored.people()).as("3's streak and 2's cooldown, on the state topic")
                .extracting(PersonSnapshot::trackId).containsExactly(2L, 3L);

        try (AlertsService restarted = start(rules, config, terminal)) {
            await("the restarted consumer restores cam-1", WAIT, () -> restarted.camerasHeld() == 1);
            produce(after);
            await("the consumer commits the events after the restart", WAIT, () -> kafka.caughtUp(GROUP, EVENTS));
        }

        List<ClipEvent> all = new ArrayList<>(before);
        all.addAll(after);
        RuleEngine straight = new RuleEngine(RulesLoader.parse(PEOPLE_RULES, "t"), RuleEngine.DEFAULT_DEDUP_WINDOW);
        List<Alert> expected = new ArrayList<>();
        all.forEach(event -> straight.onEvent(event).forEach(raised -> expected.add(raised.alert())));
        List<Alert> alerts = kafka.readAll(ALERTS, new AvroDeserializer<>(Alert.class)).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(alerts).containsExactlyElementsOf(expected);
        assertThat(alerts).extracting(a -> a.getRule() + "/" + a.getTrackId())
                .containsExactly("person-fell/2", "person-running/3", "person-fell/4");
        assertThat(alerts.get(1).getBox()).isEqualTo(PersonEvents.box(3, 3));
        assertThat(terminal.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "2025-11-24 16:00:02.000 +00:00  cam-1  person 2  fall  0.90  rule=person-fell  (1 event)",
                "2025-11-24 16:00:03.000 +00:00  cam-1  person 3  run  0.90  rule=person-running  (2 events)",
                "2025-11-24 16:00:11.000 +00:00  cam-1  person 4  fall  0.90  rule=person-fell  (1 event)");
    }

    private static AlertsService start(Path rules, AlertsConfig config, ByteArrayOutputStream terminal)
            throws Exception {
        AlertsService service = new AlertsService(config, rules,
                new TerminalOutput(new PrintStream(terminal, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC));
        service.start();
        return service;
    }

    private static void produce(List<ClipEvent> events) throws Exception {
        kafka.send(EVENTS, new AvroSerializer<>(ClipEvent.class),
                events.stream().map(e -> new ProducerRecord<>(EVENTS, e.getCameraId(), e)).toList());
    }

    /** The latest committed value of every key of the state topic (null: a tombstone). */
    private static Map<String, byte[]> latestState() {
        Map<String, byte[]> latest = new HashMap<>();
        kafka.readAllBytes(STATE).forEach(record -> latest.put(record.key(), record.value()));
        return latest;
    }
}

package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.publish.PublishedSeqs;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.PersonActionSettings;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.EdgePosesTopicSource;
import clipstream.media.people.PeopleScene;
import clipstream.media.people.PersonAction;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.PersonPoses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * People's actions end to end on the real stack: synthetic people cameras (people doing random actions, clip after
 * clip, poses with known ground truth at the people model's 10 poses/s) published through the real ingest code to the
 * edge poses topic; the job in edge mode tracks them, cuts each person's poses into clips and classifies them with
 * the committed people model ({@code posec3d-small}) on the real TensorFlow engine. Every event names its person
 * (track and box), arrives exactly once (read_committed, no repeated event id), and says what the person did: at
 * least 90 % of the clips that lie within one action of one person get that action's label. The real alerting
 * consumer then runs the example people rules' fall rule ({@code alerts/rules.people.example.yaml}) over the events:
 * every person whose fall filled a clip gets a {@code person-fell} alert, every such alert is about a person who
 * fell in its clip, once, and the camera where people only walk raises none.
 */
class PeopleActionsTest {
    private static final String PEOPLE_MODEL = "posec3d-small";
    private static final int FRAMES_PER_CAMERA = 8 * 32;
    private static final double POSE_FPS = 10;
    /** A clip counts as showing one action when at least this many of its 32 pose frames show it. */
    private static final int SCORABLE_FRAMES = 28;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** The fall rule of {@code alerts/rules.people.example.yaml}, its alerts on {@code %1$s}. */
    private static final String FALL_RULE = """
            rules:
              - name: person-fell
                labels: [fall]
                min-score: 0.6
                min-consecutive: 1
                cooldown: 30s
                outputs: {topic: %1$s, stdout: false}
            """;

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(2);

    @TempDir
    Path dir;

    @Test
    void everyTrackedPersonsClipIsLabelledOnceAndMostlyRightAndFallsRaiseAlerts() throws Exception {
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        String edge = E2eJobs.unique("edge-poses");
        String poses = E2eJobs.unique("poses");
        STACK.kafka().createTopics(Map.of(frames, 1, events, 2, dlq, 1, edge, 2, poses, 2));
        List<CameraSpec> cameras = List.of(
                CameraSpec.parse("hall-1=synthetic-people:random?people=2&seed=11&fps=10"),
                CameraSpec.parse("hall-2=synthetic-people:random?people=2&seed=12&fps=10"),
                CameraSpec.parse("hall-3=synthetic-people:random?people=3&seed=13&fps=10"),
                CameraSpec.parse("corridor=synthetic-people:walk?people=2&seed=15&fps=10"));
        Map<String, PeopleScene> scenes = new HashMap<>();
        for (CameraSpec camera : cameras) {
            scenes.put(camera.id(), ((SourceSpec.SyntheticPeople) camera.source()).scene(POSE_FPS));
        }
        ingest(cameras, frames, edge);

        KafkaSettings kafka = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq,
                E2eJobs.unique("job"));
        ModelManifest people = new ModelStore(E2eJobs.STORE).describe(PEOPLE_MODEL, null).manifest();
        PersonActionSettings actions = new PersonActionSettings(new ModelSettings(E2eJobs.STORE.toString(),
                people.name(), people.version(), "cpu", 0, 1, 3), people.frames(), PersonActionSettings.DEFAULT_STRIDE,
                PersonActionSettings.DEFAULT_MAX_GAP);
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(kafka, E2eJobs.clipLength(), Duration.ofMillis(500),
                true).withEdgePeople(PeopleSettings.edge(edge, 16, poses, Duration.ofMinutes(5)),
                        EdgePosesTopicSource.kafkaUntil(kafka, edge, OffsetsInitializer.latest()),
                        KafkaSinks.poses(kafka, poses))
                .withPersonActions(actions, new StoreClassifier(actions.model())))) {
            job.awaitFinished(TIMEOUT);
        }

        List<ClipEvent> received;
        try (var topic = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class)) {
            received = topic.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
        }
        assertThat(received).as("person events").isNotEmpty()
                .allSatisfy(e -> assertThat(e.getTrackId()).as("no whole-frame clips: no frames were sent").isNotNull());
        assertThat(received.stream().map(ClipEvent::getEventId).distinct().count()).as("each event once")
                .isEqualTo(received.size());

        int scorable = 0;
        int correct = 0;
        Set<String> fallen = new TreeSet<>(); // camera/track of every clip within one fall
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        for (ClipEvent event : received) {
            assertThat(event.getModelName()).isEqualTo(PEOPLE_MODEL);
            assertThat(event.getLastSeq() - event.getFirstSeq()).as("32 pose frames").isEqualTo(31);
            assertThat(event.getBox().getFrameWidth()).isEqualTo(640);
            PeopleScene scene = scenes.get(event.getCameraId());
            Optional<PersonAction> truth = truth(scene, event);
            if (truth.isEmpty()) {
                continue;
            }
            scorable++;
            if (truth.get() == PersonAction.FALL) {
                fallen.add(event.getCameraId() + "/" + event.getTrackId());
            }
            if (event.getLabel().equals(truth.get().label())) {
                correct++;
            }
            confusion.computeIfAbsent(truth.get().label(), t -> new TreeMap<>()).merge(event.getLabel(), 1,
                    Integer::sum);
        }
        System.out.printf("PeopleActionsTest: %d person events, %d within one action, %d right (%.3f); truth ->"
                + " labels %s%n", received.size(), scorable, correct, (double) correct / scorable, confusion);
        assertThat(scorable).as("clips within one action of one person").isGreaterThanOrEqualTo(20);
        assertThat((double) correct / scorable).as("right labels; truth -> labels %s", confusion)
                .isGreaterThanOrEqualTo(0.90);

        Map<String, ClipEvent> byId = received.stream().collect(Collectors.toMap(ClipEvent::getEventId, e -> e));
        List<Alert> alerts = AlertsRun.awaitAlerts(STACK.kafka(), events, FALL_RULE, dir, TIMEOUT);
        System.out.printf("PeopleActionsTest: alerts %s%n", alerts.stream()
                .map(a -> a.getCameraId() + "/" + a.getTrackId()).toList());
        assertThat(alerts.stream().map(Alert::getAlertId).distinct().count()).as("each alert once")
                .isEqualTo(alerts.size());
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.getRule()).isEqualTo("person-fell");
            assertThat(alert.getTrackId()).as("a person's alert").isNotNull();
            assertThat(alert.getEventIds()).allSatisfy(id -> {
                ClipEvent event = byId.get(id);
                assertThat(event).as("event %s", id).isNotNull();
                assertThat(event.getLabel()).isEqualTo("fall");
                assertThat(fellDuring(scenes.get(event.getCameraId()), event)).as("%s: the person fell in the clip",
                        alert).isTrue();
            });
        });
        assertThat(fallen).as("people whose fall filled a clip").isNotEmpty();
        assertThat(alerts.stream().map(a -> a.getCameraId() + "/" + a.getTrackId()).toList())
                .as("each of them alerted").containsAll(fallen);
        assertThat(alerts).as("nobody fell in the corridor").noneMatch(a -> a.getCameraId().equals("corridor"));
    }

    /** Whether the person of {@code event} (the lane of the box's centre) was falling in any of its pose frames. */
    private static boolean fellDuring(PeopleScene scene, ClipEvent event) {
        int lane = scene.laneOf((event.getBox().getXMin() + event.getBox().getXMax()) / 2);
        for (long seq = event.getFirstSeq(); seq <= event.getLastSeq(); seq++) {
            if (scene.actionAt(lane, seq).filter(a -> a == PersonAction.FALL).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the person of {@code event} did, if one person (the lane of the box's centre) did one action in at least
     * {@link #SCORABLE_FRAMES} of the clip's pose frames. The person may have left in the clip's last frames (a fall
     * ends a visit: the lane is empty after it, and a person followed from their first frame has no clip that ends
     * within their fall).
     */
    private static Optional<PersonAction> truth(PeopleScene scene, ClipEvent event) {
        int lane = scene.laneOf((event.getBox().getXMin() + event.getBox().getXMax()) / 2);
        long person = scene.personAt(lane, event.getFirstSeq());
        Map<PersonAction, Integer> frames = new HashMap<>();
        boolean left = false;
        for (long seq = event.getFirstSeq(); seq <= event.getLastSeq(); seq++) {
            long here = scene.personAt(lane, seq);
            if (here == -1 && person != -1) {
                left = true;
                continue;
            }
            if (here != person || left) {
                return Optional.empty();
            }
            scene.actionAt(lane, seq).ifPresent(a -> frames.merge(a, 1, Integer::sum));
        }
        return frames.entrySet().stream().filter(e -> e.getValue() >= SCORABLE_FRAMES).map(Map.Entry::getKey)
                .findFirst();
    }

    private static void ingest(List<CameraSpec> cameras, String frames, String edge) throws Exception {
        IngestSettings settings = IngestSettings.defaults(frames, 32, 32).withPosesTopic(edge).withPacing(Pacing.FAST)
                .withMaxFrames(FRAMES_PER_CAMERA).withStartSeq(0).withResumeSeq(false);
        Properties properties = FrameProducers.properties(STACK.kafka().bootstrapServers(), Map.of());
        try (KafkaProducer<String, PersonPoses> producer = FrameProducers.createForPoses(properties)) {
            IngestRunner runner = new IngestRunner(settings, cameras, null, producer,
                    new PublishedSeqs(properties, Duration.ofSeconds(30)), null, Duration.ZERO);
            runner.start();
            IngestSummary summary = runner.awaitSummary(TIMEOUT);
            assertThat(summary).as("ingest finished in time").isNotNull();
            assertThat(summary.cameras()).as(summary.render())
                    .allSatisfy(c -> assertThat(c.acked()).isEqualTo(FRAMES_PER_CAMERA));
        }
    }
}

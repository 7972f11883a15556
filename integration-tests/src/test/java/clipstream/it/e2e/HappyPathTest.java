package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.KafkaSettings;
import clipstream.model.store.ModelManifest;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline on the real default model: 4 synthetic cameras × 10 clips of known motion classes through the
 * real ingest code into a real broker, the clipstream job on a MiniCluster, events read back read_committed. Then the
 * same frames once more through a second job (its own consumer group, transactional ids and events topic): the
 * events must carry the same ids.
 */
class HappyPathTest {
    private static final int CAMERAS = 4;
    private static final int CLIPS_PER_CAMERA = 10;
    private static final double MIN_ACCURACY = 0.9;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(2);

    @Test
    void fourCamerasOfKnownMotionGiveExactlyTheExpectedEventsMostlyRightWithIdsThatARerunReproduces() throws Exception {
        ModelManifest model = E2eJobs.manifest();
        int clipLength = model.frames();
        long framesPerCamera = (long) CLIPS_PER_CAMERA * clipLength;
        String frames = E2eJobs.unique("frames");
        String eventsA = E2eJobs.unique("events-a");
        String eventsB = E2eJobs.unique("events-b");
        String dlqA = E2eJobs.unique("dlq-a");
        String dlqB = E2eJobs.unique("dlq-b");
        STACK.kafka().createTopics(Map.of(frames, CAMERAS, eventsA, CAMERAS, eventsB, CAMERAS, dlqA, 1, dlqB, 1));
        // one segment per clip and tumbling clips (stride = length): every clip has one true label
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        try (var ingest = cameras.ingest(STACK.kafka().bootstrapServers(), SyntheticCameras.settings(frames, model.width(),
                model.height(), framesPerCamera, 0, null))) {
            ingest.await(Duration.ofSeconds(60), framesPerCamera);
        }

        KafkaSettings runOne = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, eventsA, dlqA, E2eJobs.unique("job-a"));
        KafkaSettings runTwo = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, eventsB, dlqB, E2eJobs.unique("job-b"));
        long started = System.nanoTime();
        try (RunningJob jobA = STACK.flink().submit(E2eJobs.job(runOne, clipLength, Duration.ofMillis(500), true));
             RunningJob jobB = STACK.flink().submit(E2eJobs.job(runTwo, clipLength, Duration.ofMillis(500), true))) {
            jobA.awaitFinished(RUN_TIMEOUT);
            jobB.awaitFinished(RUN_TIMEOUT);
        }
        System.out.printf("HappyPathTest: two bounded runs over %d frames took %.1f s%n", CAMERAS * framesPerCamera,
                (System.nanoTime() - started) / 1e9);

        List<ClipEvent> runA = readAll(eventsA);
        List<ClipEvent> runB = readAll(eventsB);
        int expected = CAMERAS * CLIPS_PER_CAMERA;
        assertThat(runA).as("events of the first run").hasSize(expected);
        assertThat(runA).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        Set<String> clips = new HashSet<>();
        for (ClipEvent event : runA) {
            assertThat(clips.add(event.getCameraId() + "#" + event.getFirstSeq())).as("one event per clip: %s", event)
                    .isTrue();
        }
        Set<String> expectedClips = new HashSet<>();
        for (String camera : cameras.ids()) {
            for (long first = 0; first < framesPerCamera; first += clipLength) {
                expectedClips.add(camera + "#" + first);
            }
        }
        assertThat(clips).isEqualTo(expectedClips);
        assertThat(runA).allSatisfy(event -> {
            assertThat(event.getLastSeq()).isEqualTo(event.getFirstSeq() + clipLength - 1);
            assertThat(event.getFramesFilled()).isZero();
            assertThat(event.getModelName()).isEqualTo(model.name());
            assertThat(event.getModelVersion()).isEqualTo(model.version());
        });

        long correct = runA.stream().filter(event -> cameras.label(event.getCameraId(), event.getFirstSeq(),
                event.getLastSeq()).orElseThrow().equals(event.getLabel())).count();
        Map<String, Long> predicted = new TreeMap<>(runA.stream()
                .collect(Collectors.groupingBy(ClipEvent::getLabel, Collectors.counting())));
        System.out.printf("HappyPathTest: %d/%d labels right; predicted %s%n", correct, expected, predicted);
        assertThat((double) correct / expected).as("share of right labels").isGreaterThanOrEqualTo(MIN_ACCURACY);

        assertThat(runB).as("events of the rerun").hasSize(expected);
        assertThat(ids(runB)).as("event ids of the rerun").isEqualTo(ids(runA));
        Map<String, String> spansA = spans(runA);
        assertThat(spans(runB)).as("clip of each event id").isEqualTo(spansA);

        try (var letters = new CommittedTopic<>(STACK.kafka().bootstrapServers(), dlqA, DeadLetter.class)) {
            assertThat(letters.readToEnd(Duration.ofSeconds(30))).as("dead letters of clean input").isEmpty();
        }
    }

    private static List<ClipEvent> readAll(String topic) {
        try (var events = new CommittedTopic<>(STACK.kafka().bootstrapServers(), topic, ClipEvent.class)) {
            events.readToEnd(Duration.ofSeconds(30));
            return events.values();
        }
    }

    private static Set<String> ids(List<ClipEvent> events) {
        return events.stream().map(ClipEvent::getEventId).collect(Collectors.toSet());
    }

    private static Map<String, String> spans(List<ClipEvent> events) {
        Map<String, String> spans = new HashMap<>();
        events.forEach(e -> spans.put(e.getEventId(), e.getCameraId() + "#" + e.getFirstSeq() + ".." + e.getLastSeq()));
        return spans;
    }
}

package clipstream.it.swap;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.ClipstreamJob;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.local.LocalFlink;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.Frame;
import clipstream.schema.kafka.AvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end test 6 of the local stack: a new model version made CURRENT in the store while the job runs is
 * picked up without a restart (events carry the new {@code model_version}); a broken version is refused and the
 * serving one keeps going; a later good version is taken again. Real broker, real MiniCluster (restarts off, so
 * any failure ends the job and the test at once), the real committed model copied into a temporary store, frames
 * through the real ingest code, events read {@code read_committed}.
 */
class ModelSwapTest {
    private static final Path COMMITTED = Path.of("..", "model-store");
    private static final String MODEL = "c3d-small";
    private static final String FRAMES = "swap-frames";
    private static final String EVENTS = "swap-events";
    private static final String DLQ = "swap-dlq";
    private static final Duration WATCH = Duration.ofMillis(300);
    /** Real-time pacing, so capture times follow the wall clock across rounds (none is behind the watermark). */
    private static final double FPS = 50;
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ROUNDS_TO_SWITCH = 12;
    private static final Map<String, String> CAMERAS = Map.of("cam-left", "left", "cam-up", "up");

    @TempDir
    Path root;

    private TestModels models;
    private EmbeddedKafka kafka;
    private LocalFlink flink;
    private Producer<String, Frame> producer;
    private KafkaConsumer<String, ClipEvent> events;
    private ModelManifest manifest;
    private int round;
    /** Every event read, by camera and first seq, in the order read. */
    private final Map<String, ClipEvent> seen = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();

    @Test
    void aNewCurrentVersionIsServedWithoutARestartAndABrokenOneIsRefused() throws Exception {
        models = TestModels.copyOfCommitted(COMMITTED, MODEL, root.resolve("store"));
        manifest = models.store().describe(MODEL, null).manifest();
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            kafka = broker;
            kafka.createTopics(Map.of(FRAMES, 1, EVENTS, 1, DLQ, 1));
            try (LocalFlink cluster = LocalFlink.start(1);
                 Producer<String, Frame> frames = FrameProducers.create(
                         FrameProducers.properties(kafka.bootstrapServers(), Map.of()));
                 KafkaConsumer<String, ClipEvent> consumer = consumer(ClipEvent.class)) {
                flink = cluster;
                producer = frames;
                events = consumer;
                events.subscribe(List.of(EVENTS));
                flink.run(job(), Duration.ofMinutes(3));

                assertThat(runRound()).as("served at start").containsOnly("1");

                models.publishCopy("2", manifest -> { });
                models.store().setCurrent(MODEL, "2");
                int switched = roundsUntil("2");

                models.publishCopy("3", manifest -> { });
                Files.write(models.store().versionDirectory(MODEL, "3").resolve("variables/variables.index"),
                        new byte[] {42}, StandardOpenOption.APPEND);
                models.store().setCurrent(MODEL, "3");
                long brokenSince = System.nanoTime();
                int roundsWhileBroken = 0;
                // clips classified across several watch intervals after the broken version became CURRENT
                while (roundsWhileBroken < 3 || System.nanoTime() - brokenSince < WATCH.multipliedBy(4).toNanos()) {
                    assertThat(runRound()).as("the broken version 3 is refused, 2 keeps serving").containsOnly("2");
                    roundsWhileBroken++;
                }

                models.publishCopy("4", manifest -> { });
                models.store().setCurrent(MODEL, "4");
                int switchedAgain = roundsUntil("4");

                assertThat(flink.failure()).as("the job never stopped or restarted").isEmpty();
                assertThat(duplicates).as("events seen twice (read_committed)").isEmpty();
                assertThat(seen).hasSize(round * CAMERAS.size());
                assertThat(seen.values()).extracting(e -> e.getModelVersion()).doesNotContain("3");
                assertVersionsOnlyMoveForward();
                long correct = seen.values().stream()
                        .filter(e -> e.getLabel().equals(CAMERAS.get(e.getCameraId())))
                        .count();
                assertThat(correct).as("labels right with every served version")
                        .isGreaterThanOrEqualTo((long) Math.ceil(0.9 * seen.size()));
                assertThat(deadLetters()).as("no frame was refused").isZero();
                System.out.printf("model swap: %d rounds, switched to 2 after %d round(s), to 4 after %d;"
                        + " %d rounds while 3 was CURRENT and refused%n", round, switched, switchedAgain,
                        roundsWhileBroken);
            }
        }
    }

    private ClipstreamJob job() {
        int clipLength = manifest.frames();
        KafkaSettings kafkaSettings = new KafkaSettings(kafka.bootstrapServers(), FRAMES, EVENTS, DLQ, "swap-job",
                DeliveryGuarantee.EXACTLY_ONCE, "swap-job", Duration.ofMinutes(5), Map.of());
        // a camera's first frames wait for the watermark (nothing is expected before them): a short bound
        ClipSettings clips = new ClipSettings(clipLength, clipLength, 4, Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofMinutes(5), 8 << 20);
        ModelSettings model = new ModelSettings(models.store().root().toString(), MODEL, manifest.version(), "cpu",
                0, 0, 3, WATCH);
        JobConfig config = new JobConfig(kafkaSettings, clips, model, new BatchSettings(4, Duration.ofMillis(50)),
                new RuntimeSettings(1, Duration.ofMillis(500), null));
        return ClipstreamJob.onKafka(config, new FrameSize(manifest.width(), manifest.height()));
    }

    /** Rounds until an event carries {@code version}; returns how many it took. */
    private int roundsUntil(String version) throws Exception {
        for (int rounds = 1; rounds <= MAX_ROUNDS_TO_SWITCH; rounds++) {
            // every camera's event of the round: the switch happens between two batches, which can split a round
            if (runRound().stream().allMatch(version::equals)) {
                return rounds;
            }
        }
        throw new AssertionError("no event carried version " + version + " after " + MAX_ROUNDS_TO_SWITCH
                + " rounds; events so far: " + versionsByCamera());
    }

    /**
     * Sends one clip per camera through the real ingest code and waits until its event is committed; returns
     * the model versions of the round's events. Fails at once if the job stops.
     */
    private List<String> runRound() throws Exception {
        int clipLength = manifest.frames();
        long firstSeq = (long) round * clipLength;
        List<CameraSpec> cameras = new ArrayList<>();
        CAMERAS.forEach((id, action) -> cameras.add(new CameraSpec(id,
                SourceSpec.parse("synthetic:" + action + "?seed=7&segment=" + clipLength, id))));
        IngestSettings settings = IngestSettings.defaults(FRAMES, manifest.width(), manifest.height())
                .withPacing(Pacing.REALTIME).withFps(FPS).withStartSeq(firstSeq).withMaxFrames(clipLength);
        IngestRunner runner = new IngestRunner(settings, cameras, producer);
        runner.start();
        IngestSummary summary = runner.awaitSummary(ROUND_TIMEOUT);
        assertThat(summary).as("the cameras of round " + round + " finished").isNotNull();
        assertThat(summary.cameras()).allSatisfy(camera -> assertThat(camera.acked()).isEqualTo(clipLength));
        round++;

        List<String> versions = new ArrayList<>();
        long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
        while (versions.size() < CAMERAS.size()) {
            flink.failure().ifPresent(cause -> {
                throw new AssertionError("the job stopped: " + cause, cause);
            });
            if (System.nanoTime() > deadline) {
                throw new AssertionError("round " + (round - 1) + ": " + versions.size() + " of " + CAMERAS.size()
                        + " events within " + ROUND_TIMEOUT.toSeconds() + " s; events so far: " + versionsByCamera());
            }
            for (ConsumerRecord<String, ClipEvent> record : events.poll(Duration.ofMillis(200))) {
                ClipEvent event = record.value();
                String key = event.getCameraId() + "@" + event.getFirstSeq();
                if (seen.putIfAbsent(key, event) != null) {
                    duplicates.add(key);
                }
                if (event.getFirstSeq() == firstSeq) {
                    versions.add(event.getModelVersion());
                }
            }
        }
        return versions;
    }

    /** Within a camera, versions never go back: the serving version changes once per switch. */
    private void assertVersionsOnlyMoveForward() {
        versionsByCamera().forEach((camera, versions) -> {
            List<String> order = new ArrayList<>();
            for (String version : versions.values()) {
                if (order.isEmpty() || !order.get(order.size() - 1).equals(version)) {
                    order.add(version);
                }
            }
            assertThat(order).as(camera + ": " + versions).containsExactly("1", "2", "4");
        });
    }

    private Map<String, TreeMap<Long, String>> versionsByCamera() {
        Map<String, TreeMap<Long, String>> byCamera = new TreeMap<>();
        for (ClipEvent event : seen.values()) {
            byCamera.computeIfAbsent(event.getCameraId(), c -> new TreeMap<>())
                    .put(event.getFirstSeq(), event.getModelVersion());
        }
        return byCamera;
    }

    /** Dead letters committed on the DLQ topic, read to its end. */
    private long deadLetters() {
        try (KafkaConsumer<String, DeadLetter> consumer = consumer(DeadLetter.class)) {
            List<TopicPartition> partitions = consumer.partitionsFor(DLQ).stream()
                    .map(p -> new TopicPartition(DLQ, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the DLQ to its end " + ends);
                }
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    private <T extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<String, T> consumer(Class<T> type) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "swap-test-" + type.getSimpleName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new AvroDeserializer<>(type));
    }
}

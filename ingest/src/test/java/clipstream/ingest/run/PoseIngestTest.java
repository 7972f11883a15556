package clipstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.ingest.cli.IngestCommandRunner;
import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.source.SourceSpec;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.media.people.PeopleScene;
import clipstream.schema.Frame;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.kafka.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Synthetic-people cameras (cameras that run pose estimation themselves) ingested into a real single-node KRaft broker
 * in this JVM, next to a frames camera, and read back with the schemas module's deserializer.
 */
class PoseIngestTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static EmbeddedKafka cluster;

    private String framesTopic;
    private String posesTopic;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = EmbeddedKafka.start(Map.of("auto.create.topics.enable", "true"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void newTopics() {
        framesTopic = "frames-" + UUID.randomUUID();
        posesTopic = "edge-poses-" + UUID.randomUUID();
    }

    @Test
    void peopleCamerasPublishTheirScenesPosesInSeqOrderNextToAFramesCamera() throws Exception {
        IngestSettings settings = IngestSettings.defaults(framesTopic, 32, 32).withPosesTopic(posesTopic)
                .withPacing(Pacing.FAST).withMaxFrames(40).withStartSeq(500);
        CameraSpec walk = CameraSpec.parse("door-1=synthetic-people:walk?people=2&seed=4");
        CameraSpec random = CameraSpec.parse("door-2=synthetic-people:random?people=3&seed=5&size=960x480");
        Properties properties = FrameProducers.properties(cluster.bootstrapServers(), Map.of());
        IngestSummary summary;
        try (KafkaProducer<String, Frame> frames = FrameProducers.create(properties);
             KafkaProducer<String, PersonPoses> poses = FrameProducers.createForPoses(properties)) {
            IngestRunner runner = new IngestRunner(settings, List.of(walk, random,
                    CameraSpec.parse("hall=synthetic:left")), frames, poses, null, null, Duration.ZERO);
            runner.start();
            summary = runner.awaitSummary(DEADLINE);
        }

        assertThat(summary).as("ingest finished within %s", DEADLINE).isNotNull();
        assertThat(summary.anyFailed()).as(summary.render()).isFalse();
        assertThat(summary.cameras()).allSatisfy(c -> assertThat(c.acked()).isEqualTo(40));
        assertThat(readAll(framesTopic, Frame.class, 40)).allSatisfy(r -> assertThat(r.key()).isEqualTo("hall"));
        Map<String, List<ConsumerRecord<String, PersonPoses>>> byCamera = readAll(posesTopic, PersonPoses.class, 80)
                .stream().collect(Collectors.groupingBy(ConsumerRecord::key));
        assertThat(byCamera).containsOnlyKeys("door-1", "door-2");
        for (CameraSpec camera : List.of(walk, random)) {
            PeopleScene scene = ((SourceSpec.SyntheticPeople) camera.source()).scene(settings.generatedFps());
            List<ConsumerRecord<String, PersonPoses>> records = byCamera.get(camera.id());
            assertThat(records).extracting(r -> r.value().getSeq()).containsExactlyElementsOf(range(500, 40));
            long previousTime = Long.MIN_VALUE;
            for (ConsumerRecord<String, PersonPoses> record : records) {
                PersonPoses poses = record.value();
                assertThat(poses.getCameraId().toString()).isEqualTo(camera.id());
                assertThat(poses.getWidth()).isEqualTo(scene.width());
                assertThat(poses.getHeight()).isEqualTo(480);
                assertThat(poses.getModelName()).isEqualTo(PoseCameraIngest.MODEL_NAME);
                List<PeopleScene.SeenPerson> truth = scene.frame(poses.getSeq());
                assertThat(poses.getPeople()).as("people of seq %d", poses.getSeq()).hasSameSizeAs(truth);
                for (int i = 0; i < truth.size(); i++) {
                    Person person = poses.getPeople().get(i);
                    PeopleScene.SeenPerson seen = truth.get(i);
                    assertThat(person.getTrackId()).as("the scene's person id as the edge's own track id")
                            .isEqualTo(seen.personId());
                    assertThat(person.getXMin()).isEqualTo(seen.xMin());
                    assertThat(person.getYMax()).isEqualTo(seen.yMax());
                    assertThat(person.getKeypoints()).hasSize(17);
                    assertThat(person.getKeypoints().get(9).getX()).isEqualTo(seen.keypoints()[9][0]);
                    assertThat(person.getKeypoints().get(9).getScore()).isEqualTo(seen.keypoints()[9][2]);
                }
                long time = poses.getCaptureTime().toEpochMilli();
                if (previousTime != Long.MIN_VALUE) {
                    assertThat(time - previousTime).isEqualTo(40); // 25 fps media time
                }
                previousTime = time;
            }
            assertThat(records).as("somebody is seen").anySatisfy(r -> assertThat(r.value().getPeople()).isNotEmpty());
        }
    }

    @Test
    void aRestartedIngestContinuesAPeopleCameraRightAfterItsLastSeqOnThePosesTopic() {
        String[] args = {"--bootstrap", cluster.bootstrapServers(), "--camera", "door-1=synthetic-people:random",
            "--topic", framesTopic, "--edge-poses-topic", posesTopic, "--fast", "--max-frames", "20",
            "--progress", "0"};
        for (int run = 1; run <= 2; run++) {
            IngestCommandRunner.Result result = IngestCommandRunner.run(args);
            assertThat(result.exitCode()).as("run %d: %s", run, result.err()).isZero();
            assertThat(result.err()).contains("door-1", "COMPLETED", "poses -> topic '" + posesTopic + "'");
        }

        List<Long> seqs = readAll(posesTopic, PersonPoses.class, 40).stream().map(r -> r.value().getSeq()).toList();
        assertThat(seqs).as("seqs over both runs").containsExactlyElementsOf(range(seqs.get(0), 40));
    }

    @Test
    void aPeopleCameraNeedsAPosesProducerAndAFramesCameraAFramesProducer() {
        IngestSettings settings = IngestSettings.defaults(framesTopic, 32, 32).withPosesTopic(posesTopic);
        assertThatThrownBy(() -> new IngestRunner(settings, List.of(CameraSpec.parse("d=synthetic-people:walk")),
                null, null, null, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poses producer");
        assertThatThrownBy(() -> new IngestRunner(settings, List.of(CameraSpec.parse("h=synthetic:left")),
                null, null, null, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frames producer");
        assertThatThrownBy(() -> settings.withPosesTopic(framesTopic))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--edge-poses-topic");
    }

    /** Reads {@code topic} from the start until {@code expected} records arrived, then checks nothing more is there. */
    private static <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(String topic, Class<T> type,
                                                                                     int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new AvroDeserializer<>(type))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }

    private static List<Long> range(long from, int count) {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(from + i);
        }
        return values;
    }
}

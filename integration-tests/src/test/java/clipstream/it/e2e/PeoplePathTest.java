package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.people.StorePoseModel;
import clipstream.job.sink.KafkaSinks;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.kafka.AvroSerializer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The people path on the real stack: real photographs (model-store's pose test frames: a NASA astronaut, public
 * domain, and a cameraman, CC0) as JPEG frames of two cameras into a real broker, the job with the committed pose
 * model on a MiniCluster, person poses read back read_committed: every fifth frame posed, one person per frame at
 * the right place, one confirmed track per camera, exactly once.
 */
class PeoplePathTest {
    private static final int FRAMES_PER_CAMERA = 15;
    private static final int POSE_EVERY = 5;
    private static final Path PHOTOS = E2eJobs.STORE.resolve("src/test/resources/pose");

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(2);

    @Test
    void framesOfTwoCamerasBecomeTrackedPosesExactlyOnce() throws Exception {
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        String poses = E2eJobs.unique("poses");
        STACK.kafka().createTopics(Map.of(frames, 2, events, 2, dlq, 1, poses, 2));
        Map<String, byte[]> cameras = Map.of("astronaut", Files.readAllBytes(PHOTOS.resolve("astronaut.jpg")),
                "cameraman", Files.readAllBytes(PHOTOS.resolve("cameraman.jpg")));
        send(frames, cameras);

        KafkaSettings kafka = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq,
                E2eJobs.unique("job"));
        PeopleSettings people = PeopleSettings.of("movenet-multipose", null, 0, POSE_EVERY, 0.25f, 16, poses,
                Duration.ofMinutes(5));
        ModelSettings store = new ModelSettings(E2eJobs.STORE.toString(), "movenet-multipose", null, "cpu", 0, 1, 1);
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(kafka, E2eJobs.clipLength(), Duration.ofMillis(500), true)
                .withPeople(people, StorePoseModel.factory(store, people), KafkaSinks.poses(kafka, poses)))) {
            job.awaitFinished(Duration.ofMinutes(2));
        }

        List<PersonPoses> read;
        try (var topic = new CommittedTopic<>(STACK.kafka().bootstrapServers(), poses, PersonPoses.class)) {
            topic.readToEnd(Duration.ofSeconds(30));
            read = topic.values();
        }
        Map<String, List<PersonPoses>> byCamera = read.stream()
                .collect(Collectors.groupingBy(PersonPoses::getCameraId));
        assertThat(byCamera).containsOnlyKeys("astronaut", "cameraman");
        for (List<PersonPoses> posed : byCamera.values()) {
            assertThat(posed).extracting(PersonPoses::getSeq).containsExactly(0L, 5L, 10L);
            assertThat(posed).allSatisfy(p -> {
                assertThat(p.getPeople()).hasSize(1);
                assertThat(p.getWidth()).isEqualTo(512);
                assertThat(p.getModelName()).isEqualTo("movenet-multipose");
                assertThat(p.getPeople().get(0).getKeypoints()).hasSize(17);
            });
            assertThat(posed).extracting(p -> p.getPeople().get(0).getTrackId()).containsExactly(-1L, -1L, 1L);
        }
        Person astronaut = byCamera.get("astronaut").get(2).getPeople().get(0);
        assertThat(astronaut.getXMin()).isCloseTo(18f, within(30f));
        assertThat(astronaut.getXMax()).isCloseTo(360f, within(30f));
        Person cameraman = byCamera.get("cameraman").get(2).getPeople().get(0);
        assertThat(cameraman.getXMax()).isCloseTo(320f, within(30f));
        System.out.printf("PeoplePathTest: %d pose records; astronaut %.2f at %.0f-%.0f, cameraman %.2f at %.0f-%.0f%n",
                read.size(), astronaut.getScore(), astronaut.getXMin(), astronaut.getXMax(), cameraman.getScore(),
                cameraman.getXMin(), cameraman.getXMax());
    }

    /** {@link #FRAMES_PER_CAMERA} JPEG frames of each camera's photograph, 40 ms apart, ending now. */
    private static void send(String topic, Map<String, byte[]> cameras) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        long start = System.currentTimeMillis() - FRAMES_PER_CAMERA * 40L;
        try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
                new AvroSerializer<>(Frame.class))) {
            int partition = 0;
            for (Map.Entry<String, byte[]> camera : cameras.entrySet()) {
                for (long seq = 0; seq < FRAMES_PER_CAMERA; seq++) {
                    Frame frame = Frame.newBuilder().setCameraId(camera.getKey()).setSeq(seq)
                            .setCaptureTime(Instant.ofEpochMilli(start + seq * 40)).setWidth(512).setHeight(512)
                            .setEncoding(FrameEncoding.JPEG).setData(ByteBuffer.wrap(camera.getValue())).build();
                    producer.send(new ProducerRecord<>(topic, partition, camera.getKey(), frame)).get();
                }
                partition++;
            }
        }
    }
}

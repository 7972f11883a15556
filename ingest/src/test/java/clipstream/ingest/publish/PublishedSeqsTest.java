package clipstream.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading each camera's highest seq back from the frames topic of a real broker. */
class PublishedSeqsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static EmbeddedKafka cluster;

    private String topic;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void newTopicName() {
        topic = "frames-" + UUID.randomUUID();
    }

    @Test
    void highestSeqIsFoundBehindOtherCamerasAndPastAbortedOrInvalidRecords() throws Exception {
        cluster.createTopics(Map.of(topic, 1)); // every camera shares the one partition
        try (Producer<String, Frame> producer = FrameProducers.create(properties())) {
            for (long seq = 0; seq < 10; seq++) {
                producer.send(new ProducerRecord<>(topic, "porch", frame("porch", seq)));
            }
            for (long seq = 0; seq < 300; seq++) { // the porch's frames now lie several chunks back
                producer.send(new ProducerRecord<>(topic, "hall", frame("hall", seq)));
            }
            producer.send(new ProducerRecord<>(topic, "porch", frame("hall", 5_000_000))); // another camera's frame
            producer.send(new ProducerRecord<>(topic, "porch", frame("porch", -7))); // refused by the job
        }
        Properties transactional = properties();
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "writer-" + topic);
        try (Producer<String, Frame> producer = FrameProducers.create(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "porch", frame("porch", 1_000_000)));
            producer.flush();
            producer.abortTransaction();
        }
        try (Producer<String, byte[]> producer = new KafkaProducer<>(properties(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "porch", "not a frame".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic, "porch", null));
        }

        Map<String, Long> highest = new PublishedSeqs(properties(), TIMEOUT, Long.MAX_VALUE, 64)
                .highest(topic, List.of("porch", "hall", "new-camera"));

        assertThat(highest).containsOnly(Map.entry("porch", 9L), Map.entry("hall", 299L));
    }

    @Test
    void eachCameraIsReadFromThePartitionItsKeyIsProducedTo() {
        cluster.createTopics(Map.of(topic, 4));
        List<String> cameras = List.of("cam-1", "cam-2", "cam-3", "cam-4", "cam-5", "cam-6", "cam-7");
        try (Producer<String, Frame> producer = FrameProducers.create(properties())) {
            for (int i = 0; i < cameras.size(); i++) {
                for (long seq = 100; seq <= 100 + i; seq++) {
                    producer.send(new ProducerRecord<>(topic, cameras.get(i), frame(cameras.get(i), seq)));
                }
            }
        }

        Map<String, Long> highest = new PublishedSeqs(properties(), TIMEOUT).highest(topic, cameras);

        for (int i = 0; i < cameras.size(); i++) {
            assertThat(highest).containsEntry(cameras.get(i), 100L + i);
        }
    }

    @Test
    void aCameraFurtherBackThanTheLookBackCountsAsHavingNone() {
        cluster.createTopics(Map.of(topic, 1));
        try (Producer<String, Frame> producer = FrameProducers.create(properties())) {
            producer.send(new ProducerRecord<>(topic, "idle", frame("idle", 41)));
            for (long seq = 0; seq < 200; seq++) {
                producer.send(new ProducerRecord<>(topic, "busy", frame("busy", seq)));
            }
        }
        long fiftyFrames = 50L * (frame("busy", 0).getData().remaining() + 100);

        assertThat(new PublishedSeqs(properties(), TIMEOUT, fiftyFrames, 50).highest(topic, List.of("idle", "busy")))
                .containsOnly(Map.entry("busy", 199L));
        assertThat(new PublishedSeqs(properties(), TIMEOUT).highest(topic, List.of("idle", "busy")))
                .containsOnly(Map.entry("idle", 41L), Map.entry("busy", 199L));
    }

    @Test
    void aTopicThatDoesNotExistHasNoSeqsAndIsNotCreated() throws Exception {
        assertThat(new PublishedSeqs(properties(), TIMEOUT).highest(topic, List.of("porch"))).isEmpty();
        try (Admin admin = cluster.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    private static Properties properties() {
        return FrameProducers.properties(cluster.bootstrapServers(), Map.of());
    }

    /** A valid 8x8 RGB24 frame. */
    private static Frame frame(String camera, long seq) {
        return new Frame(camera, seq, Instant.now(), 8, 8, FrameEncoding.RGB24, ByteBuffer.wrap(new byte[8 * 8 * 3]));
    }
}

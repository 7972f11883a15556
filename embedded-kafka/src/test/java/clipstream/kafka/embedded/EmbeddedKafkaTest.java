package clipstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The embedded broker is a real one: transactions work on one node, and closing it leaves nothing behind. */
class EmbeddedKafkaTest {

    @Test
    void committedTransactionsAreReadAndAbortedOnesAreNotThenCloseFreesPortAndStorage() throws Exception {
        Path dataDir;
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dataDir = kafka.dataDir();
            port = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            kafka.createTopics(Map.of("words", 1));

            try (KafkaProducer<String, String> producer = transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("words", "k", "kept"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("words", "k", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("words", "k", "kept too"));
                producer.commitTransaction();
            }

            assertThat(readCommitted(kafka.bootstrapServers(), "words", 2)).containsExactly("kept", "kept too");
            assertThat(dataDir).isDirectory();
        }

        assertThat(Files.exists(dataDir)).as("storage folder deleted on close").isFalse();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).as("the broker's port is free again").isEqualTo(port);
        }
    }

    /**
     * Stopped, the broker is gone from its port; started again, it is back on the same address with its topics, the
     * committed records, a consumer group's offsets and a producer id that its transactional producer resumes.
     */
    @Test
    void stoppedAndStartedAgainTheBrokerKeepsItsAddressAndData() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            kafka.createTopics(Map.of("words", 1));
            try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("words", "k", "before"));
                producer.commitTransaction();
            }
            try (var admin = kafka.admin()) {
                admin.alterConsumerGroupOffsets("readers", Map.of(new TopicPartition("words", 0),
                        new OffsetAndMetadata(1))).all().get(30, TimeUnit.SECONDS);
            }

            kafka.stop();
            assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), port).close())
                    .as("nothing listens on the broker's port while it is stopped")
                    .isInstanceOf(ConnectException.class);
            assertThatThrownBy(kafka::stop).isInstanceOf(IllegalStateException.class);
            kafka.startAgain();

            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("words", "k", "after"));
                producer.commitTransaction();
            }
            assertThat(readCommitted(bootstrap, "words", 2)).containsExactly("before", "after");
            try (var admin = kafka.admin()) {
                assertThat(admin.listConsumerGroupOffsets("readers").partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)).containsEntry(new TopicPartition("words", 0),
                        new OffsetAndMetadata(1));
            }
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    /** Reads until {@code expected} values arrived and the partition's committed end is reached. */
    private static List<String> readCommitted(String bootstrap, String topic, int expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while ((values.size() < expected || consumer.position(partition) < end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    @Test
    void portsPickedTogetherAreDistinct() throws Exception {
        for (int i = 0; i < 200; i++) {
            int[] ports = EmbeddedKafka.freeLoopbackPorts(2);
            assertThat(ports[0]).isNotEqualTo(ports[1]);
        }
    }
}

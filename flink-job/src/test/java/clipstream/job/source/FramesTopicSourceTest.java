package clipstream.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class FramesTopicSourceTest {

    private static KafkaSettings settings(Map<String, String> clientProperties) {
        return new KafkaSettings("127.0.0.1:9092", "frames", "clip-events", "frames-dlq", "group",
                DeliveryGuarantee.AT_LEAST_ONCE, "clipstream", Duration.ofMinutes(15), clientProperties);
    }

    @Test
    void theConsumerReadsCommittedDataInBoundedFetches() {
        Properties properties = FramesTopicSource.consumerProperties(settings(Map.of("security.protocol", "PLAINTEXT")));

        assertThat(properties.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(properties.getProperty("fetch.max.bytes")).isEqualTo(Integer.toString(1 << 20));
        assertThat(properties.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
        assertThat(properties.getProperty("security.protocol")).isEqualTo("PLAINTEXT");
    }

    @Test
    void kafkaPropertiesOverrideTheDefaults() {
        Properties properties = FramesTopicSource.consumerProperties(
                settings(Map.of("fetch.max.bytes", "4194304", "isolation.level", "read_uncommitted")));

        assertThat(properties.getProperty("fetch.max.bytes")).isEqualTo("4194304");
        assertThat(properties.getProperty("isolation.level")).isEqualTo("read_uncommitted");
    }
}

package clipstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static KafkaSettings kafka(Duration transactionTimeout, Map<String, String> passthrough) {
        return new KafkaSettings("127.0.0.1:9092", "frames", "clip-events", "frames-dlq", "group",
                DeliveryGuarantee.EXACTLY_ONCE, "clipstream", transactionTimeout, passthrough);
    }

    private static ClipSettings clips(int length, int stride) {
        return new ClipSettings(length, stride, 4, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60),
                1 << 20);
    }

    @Test
    void strideLongerThanTheClipIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> clips(32, 40)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--stride").hasMessageContaining("--clip-length");
    }

    @Test
    void clipLengthComesFromTheModelAndMustAgreeWithIt() {
        assertThat(clips(0, 16).forModelClipLength(32).clipLength()).isEqualTo(32);
        assertThat(clips(32, 16).forModelClipLength(32).clipLength()).isEqualTo(32);
        assertThatThrownBy(() -> clips(16, 8).forModelClipLength(32)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--clip-length 16").hasMessageContaining("32 frames");
        assertThatThrownBy(() -> clips(0, 40).forModelClipLength(32)).hasMessageContaining("--stride");
    }

    @Test
    void transactionTimeoutMustOutlastTheCheckpointInterval() {
        assertThatThrownBy(() -> new JobConfig(kafka(Duration.ofSeconds(5), Map.of()), clips(0, 16),
                new ModelSettings("store", "m", null, "cpu", 0, 0, 3), new BatchSettings(8, Duration.ofMillis(100)),
                new RuntimeSettings(0, Duration.ofSeconds(10), null)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--transaction-timeout").hasMessageContaining("--checkpoint-interval");
    }

    @Test
    void kafkaPassthroughReachesTheClientsButCannotOverrideWhatTheJobOwns() {
        KafkaSettings settings = kafka(Duration.ofMinutes(15), Map.of("security.protocol", "SASL_SSL"));
        assertThat(settings.clientConfig()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThatThrownBy(() -> kafka(Duration.ofMinutes(15), Map.of("transactional.id", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--transactional-id-prefix");
    }

    @Test
    void badValuesAreRefusedNamingTheirFlag() {
        assertThatThrownBy(() -> new ModelSettings("store", "m", null, "tpu", 0, 0, 3)).hasMessageContaining("--device");
        assertThatThrownBy(() -> new BatchSettings(0, Duration.ofMillis(100))).hasMessageContaining("--batch-size");
        assertThatThrownBy(() -> new BatchSettings(8, Duration.ZERO)).hasMessageContaining("--batch-timeout-ms");
        assertThatThrownBy(() -> new ClipSettings(32, 16, -1, Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(60), 1)).hasMessageContaining("--max-gap");
        assertThatThrownBy(() -> new KafkaSettings("", "f", "e", "d", "g", DeliveryGuarantee.AT_LEAST_ONCE, "p",
                Duration.ofMinutes(1), Map.of())).hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> new KafkaSettings("b", "f", "f", "d", "g", DeliveryGuarantee.AT_LEAST_ONCE, "p",
                Duration.ofMinutes(1), Map.of())).hasMessageContaining("different topics");
        assertThat(new ModelSettings("store", "m", null, "gpu:1", 0, 0, 3).device()).isEqualTo("gpu:1");
    }
}

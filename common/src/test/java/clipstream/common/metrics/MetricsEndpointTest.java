package clipstream.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    @Test
    void servesTheRegistryInTextFormatOnAFreeLoopbackPort() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter frames = Counter.builder().name("test_frames_total").help("frames").labelNames("camera")
                .register(registry);
        frames.labelValues("lobby").inc(3);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            assertThat(endpoint.port()).isPositive();
            assertThat(endpoint.uri().toString()).isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("test_frames_total{camera=\"lobby\"} 3.0");
        }
    }

    @Test
    void aTakenPortIsRefusedNamingTheFlags() {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (MetricsEndpoint first = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            assertThatThrownBy(() -> MetricsEndpoint.start(registry, "127.0.0.1", first.port()))
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("--metrics-port");
        }
    }

    @Test
    void portsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> MetricsEndpoint.start(new PrometheusRegistry(), "127.0.0.1", 70_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-65535");
    }
}

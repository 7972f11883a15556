package clipstream.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.common.metrics.MetricsEndpoint;
import clipstream.dashboard.board.BoardLimits;
import clipstream.dashboard.board.CameraBoard;
import clipstream.schema.DeadLetterReason;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardMetricsTest {
    @Test
    void aScrapeReadsTheBoardsCountsOverLoopback() throws Exception {
        CameraBoard board = new CameraBoard(BoardLimits.DEFAULTS, () -> 1_000L);
        board.frame("lobby", 0, 1, 1_000L, Duration.ofMillis(500));
        board.frame("yard", 1, 1, 1_000L, Duration.ofMillis(500));
        board.counted("frames", true);
        board.counted("frames", true);
        board.counted("frames", false);
        board.deadLetter("lobby", DeadLetterReason.LATE);
        PrometheusRegistry registry = new PrometheusRegistry();
        DashboardMetrics.register(registry, board, () -> 2);

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0)) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.uri()).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains(
                    "clipstream_dashboard_records_total{topic=\"frames\"} 3.0",
                    "clipstream_dashboard_records_unreadable_total{topic=\"frames\"} 1.0",
                    "clipstream_dashboard_dead_letters_total{reason=\"LATE\"} 1.0",
                    "clipstream_dashboard_cameras 2.0",
                    "clipstream_dashboard_pages 2.0",
                    "clipstream_dashboard_cameras_evicted_total 0.0");
        }
    }
}

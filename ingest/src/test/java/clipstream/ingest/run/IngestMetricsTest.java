package clipstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {
    @Test
    void camerasCountersAreReadWhenScrapedLabelledByCamera() throws Exception {
        CameraStats lobby = new CameraStats("lobby", "synthetic:random");
        CameraStats yard = new CameraStats("yard", "synthetic:random");
        PrometheusRegistry registry = new PrometheusRegistry();
        IngestMetrics.register(registry, () -> List.of(lobby, yard));
        lobby.started();
        lobby.acked.addAndGet(5);
        lobby.encodedIn(2_000_000);
        lobby.encodedIn(1_000_000);
        yard.droppedCountedBy(() -> 7);

        String text = scrape(registry);

        assertThat(text).contains("clipstream_ingest_frames_total{camera=\"lobby\"} 5.0")
                .contains("clipstream_ingest_frames_total{camera=\"yard\"} 0.0")
                .contains("clipstream_ingest_frames_dropped_total{camera=\"yard\"} 7.0")
                .contains("clipstream_ingest_encode_seconds_count{camera=\"lobby\"} 2")
                .contains("clipstream_ingest_encode_seconds_sum{camera=\"lobby\"} 0.003")
                .contains("clipstream_ingest_camera_running{camera=\"lobby\"} 1.0")
                .contains("clipstream_ingest_camera_running{camera=\"yard\"} 0.0");
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}

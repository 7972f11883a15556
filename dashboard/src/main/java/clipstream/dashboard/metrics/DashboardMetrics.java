package clipstream.dashboard.metrics;

import clipstream.dashboard.board.CameraBoard;
import clipstream.dashboard.board.FeedTotals;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The dashboard's Prometheus metrics: records read per topic, dead letters per reason, cameras on the board and open
 * pages. They are read from the board when scraped, so the feed counts exactly as it does without them.
 */
public final class DashboardMetrics {
    private DashboardMetrics() {
    }

    /** Registers the metrics of {@code board}; {@code pages} says how many pages have a live update stream open. */
    public static void register(PrometheusRegistry registry, CameraBoard board, IntSupplier pages) {
        perKey(registry, board, "clipstream_dashboard_records_total", "Records the dashboard read, by topic", "topic",
                FeedTotals::records);
        perKey(registry, board, "clipstream_dashboard_records_unreadable_total",
                "Records that did not decode or had no valid camera id, by topic", "topic", FeedTotals::unreadable);
        perKey(registry, board, "clipstream_dashboard_dead_letters_total",
                "Dead letters read from the dead-letter topics, by reason code", "reason", FeedTotals::deadLetters);
        CounterWithCallback.builder().name("clipstream_dashboard_cameras_evicted_total")
                .help("Cameras dropped to stay within --max-cameras")
                .callback(callback -> callback.call(board.totals().camerasEvicted()))
                .register(registry);
        GaugeWithCallback.builder().name("clipstream_dashboard_cameras")
                .help("Cameras on the board")
                .callback(callback -> callback.call(board.cameras()))
                .register(registry);
        GaugeWithCallback.builder().name("clipstream_dashboard_pages")
                .help("Pages with a live update stream open")
                .callback(callback -> callback.call(pages.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder().name("clipstream_dashboard_feed_lag_records")
                .help("Records the dashboard's own consumer is behind on the frames topic; -1: unknown")
                .callback(callback -> callback.call(board.totals().feedLag()))
                .register(registry);
    }

    private static void perKey(PrometheusRegistry registry, CameraBoard board, String name, String help, String label,
                               Function<FeedTotals, Map<String, Long>> counts) {
        CounterWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(callback -> counts.apply(board.totals()).forEach((key, count) -> callback.call(count, key)))
                .register(registry);
    }
}

package clipstream.ingest.run;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Ingest's Prometheus metrics, per camera (label {@code camera}). They are read from the cameras' {@link CameraStats}
 * when scraped, so counting a frame stays what it was: an atomic add on the camera's own counter.
 */
public final class IngestMetrics {
    private static final String CAMERA = "camera";

    private IngestMetrics() {
    }

    /** Registers the metrics of the cameras {@code cameras} lists at scrape time (e.g. {@code runner::stats}). */
    public static void register(PrometheusRegistry registry, Supplier<List<CameraStats>> cameras) {
        counter(registry, cameras, "clipstream_ingest_frames_captured_total",
                "Frames read from the camera's source, before frame-rate resampling", CameraStats::captured);
        counter(registry, cameras, "clipstream_ingest_frames_total",
                "Frames the broker acknowledged", CameraStats::acked);
        counter(registry, cameras, "clipstream_ingest_frames_dropped_total",
                "Frames dropped from the camera's full buffer (Kafka slower than the camera)", CameraStats::dropped);
        counter(registry, cameras, "clipstream_ingest_frames_refused_total",
                "Frames refused as larger than the topic takes", CameraStats::refused);
        counter(registry, cameras, "clipstream_ingest_send_failures_total",
                "Frames Kafka did not take", CameraStats::failedSends);
        counter(registry, cameras, "clipstream_ingest_bytes_total",
                "Serialized frame bytes the broker acknowledged", CameraStats::ackedBytes);
        counter(registry, cameras, "clipstream_ingest_reconnects_total",
                "Times a live source reconnected after its stream ended or dropped", CameraStats::reconnects);
        counter(registry, cameras, "clipstream_ingest_stream_drops_total",
                "Times a live source's stream dropped (an error, or silence for the read timeout)",
                CameraStats::streamDrops);
        SummaryWithCallback.builder().name("clipstream_ingest_encode_seconds").unit(Unit.SECONDS)
                .help("Time spent encoding frames' pixels (RGB24 or JPEG)").labelNames(CAMERA)
                .callback(callback -> cameras.get().forEach(camera -> callback.call(camera.encoded(),
                        camera.encodeNanos() / 1e9, Quantiles.EMPTY, camera.cameraId())))
                .register(registry);
        GaugeWithCallback.builder().name("clipstream_ingest_camera_running")
                .help("1 while the camera runs, 0 once it completed, stopped or failed").labelNames(CAMERA)
                .callback(callback -> cameras.get().forEach(camera -> callback.call(
                        camera.state() == CameraState.RUNNING ? 1 : 0, camera.cameraId())))
                .register(registry);
    }

    private static void counter(PrometheusRegistry registry, Supplier<List<CameraStats>> cameras, String name,
                                String help, ToLongFunction<CameraStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames(CAMERA)
                .callback(callback -> cameras.get().forEach(camera -> callback.call(value.applyAsLong(camera),
                        camera.cameraId())))
                .register(registry);
    }
}

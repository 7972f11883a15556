package clipstream.bench;

import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * {@code bench scale}: 1, 4, 16, 64 cameras at one per-camera frame rate. Per step: throughput, latency, CPU per
 * clip, resident memory, and the checkpointed state per camera (the assembler keeps at most one clip's frames per
 * camera, plus frames inside the out-of-orderness bound). Writes scale.json and scale.png (latency percentiles vs
 * cameras).
 */
final class ScaleBenchmark {

    record Sizes(List<Integer> cameras, double fps, double seconds) {
    }

    private final BenchOptions options;
    private final Sizes sizes;
    private final PrintStream out;

    ScaleBenchmark(BenchOptions options, Sizes sizes, PrintStream out) {
        this.options = options;
        this.sizes = sizes;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ModelManifest manifest = new ModelStore(options.store()).describe(options.model(), null).manifest();
        ObjectNode json = Reports.header("scale", options, manifest);
        json.put("fps", sizes.fps());
        long clipBytes = (long) manifest.frames() * manifest.width() * manifest.height() * 3;
        json.put("clip_bytes", clipBytes);
        List<RunResult> results = new ArrayList<>();
        long baselineRss = ProcessUsage.residentMiB();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PipelineRun runs = new PipelineRun(kafka, manifest, options)) {
            long frames = Math.max(manifest.frames(), Math.round(sizes.seconds() * sizes.fps()));
            for (int cameras : sizes.cameras()) {
                results.add(runs.run(new PipelineRun.Load(cameras, sizes.fps(), frames, false,
                        DeliveryGuarantee.AT_LEAST_ONCE)));
            }
        }
        ArrayNode rows = json.putArray("runs");
        StringBuilder perCamera = new StringBuilder(String.format(Locale.ROOT, "%n%5s %12s %14s %16s %18s %12s%n",
                "cams", "clips/s/cam", "CPU ms/clip", "peak RSS MiB", "checkpoint KiB/cam", "clip KiB"));
        for (RunResult r : results) {
            int cameras = r.load().cameras();
            double statePerCamera = r.stage(PipelineRun.CHECKPOINT_STATE_BYTES) / cameras;
            rows.add(r.json().put("clips_per_s_per_camera", r.clipsPerSecond() / cameras)
                    .put("checkpoint_state_bytes_per_camera", statePerCamera)
                    .put("offered_clips_per_s", r.load().offeredClipsPerSecond(options.stride())));
            perCamera.append(String.format(Locale.ROOT, "%5d %12.2f %14.1f %16d %18.0f %12d%n", cameras,
                    r.clipsPerSecond() / cameras, r.steadyCpuMsPerClip() > 0 ? r.steadyCpuMsPerClip() : r.cpuMsPerClip(),
                    r.peakRssMiB(), statePerCamera / 1024, clipBytes / 1024));
        }
        json.put("rss_before_mib", baselineRss);
        out.print(Reports.table(results, options.stride()));
        out.print(perCamera);
        Path written = Reports.write(json, options.outDir().resolve("scale.json"));
        out.println("wrote " + written.toAbsolutePath());
        Path png = options.outDir().resolve("scale.png");
        LineChart chart = new LineChart(String.format(Locale.ROOT,
                "clipstream latency vs cameras, %d cores, %.0f fps per camera, %s", BenchOptions.cores(), sizes.fps(),
                options.model()), "cameras", "end-to-end latency (ms: event visible - last frame captured)");
        double[] x = results.stream().mapToDouble(r -> r.load().cameras()).toArray();
        chart.series("p50", x, results.stream().mapToDouble(r -> r.endToEnd().p50()).toArray());
        chart.series("p95", x, results.stream().mapToDouble(r -> r.endToEnd().p95()).toArray());
        chart.series("p99", x, results.stream().mapToDouble(r -> r.endToEnd().p99()).toArray());
        chart.write(png);
        out.println("wrote " + png.toAbsolutePath());
        return json;
    }
}

package clipstream.it.bench;

import clipstream.it.local.EmbeddedKafka;
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
 * {@code bench pipeline}: the whole chain against the bare model. First the model alone (same clips, batch size and
 * TensorFlow threads); then the job draining a backlog of {@code clipsPerCamera} clips from each of
 * {@code drainCameras} cameras (its sustained capacity); then paced runs at increasing offered load, as fractions of
 * that capacity, for latency. Writes {@code pipeline.json} ({@code pipeline_efficiency} = drain clips/s ÷ bare model
 * clips/s) and {@code pipeline.png} (delivered vs offered clips/s).
 */
final class PipelineBenchmark {

    /** Sizes of a pipeline run. */
    record Sizes(int drainCameras, int clipsPerCamera, double fps, List<Double> loadSteps, double stepSeconds,
                 double bareSeconds, boolean warmUp) {
    }

    private final BenchOptions options;
    private final Sizes sizes;
    private final PrintStream out;

    PipelineBenchmark(BenchOptions options, Sizes sizes, PrintStream out) {
        this.options = options;
        this.sizes = sizes;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ModelManifest manifest = new ModelStore(options.store()).describe(options.model(), null).manifest();
        ObjectNode json = Reports.header("pipeline", options, manifest);
        BareModel.Speed bareSpeed = BareModel.measure(options.store(), manifest.name(), manifest.version(),
                options.batchSize(), options.intraOpThreads(), options.interOpThreads(), sizes.bareSeconds());
        double bare = bareSpeed.clipsPerSecond();
        out.printf(Locale.ROOT, "bare model: %.1f clips/s, %.1f CPU ms per clip (%s v%s, batch %d, intra-op %d,"
                        + " inter-op %d)%n", bare, bareSpeed.cpuMsPerClip(), manifest.name(), manifest.version(),
                options.batchSize(), options.intraOpThreads(), options.interOpThreads());
        json.put("bare_model_clips_per_s", bare);
        json.put("bare_model_cpu_ms_per_clip", bareSpeed.cpuMsPerClip());
        List<RunResult> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            PipelineRun runs = new PipelineRun(kafka, manifest, options);
            long frames = (long) (sizes.clipsPerCamera() - 1) * options.stride() + manifest.frames();
            if (sizes.warmUp()) {
                // a short drain first: class loading, JIT compilation and TensorFlow's first runs happen there, not
                // in the measured drain (the JIT keeps a few C2 threads busy for tens of seconds on a cold JVM)
                long warmUpFrames = (long) (sizes.clipsPerCamera() / 2 - 1) * options.stride() + manifest.frames();
                RunResult warmUp = runs.run(new PipelineRun.Load(sizes.drainCameras(), sizes.fps(), warmUpFrames, true,
                        DeliveryGuarantee.AT_LEAST_ONCE));
                out.printf(Locale.ROOT, "warm-up drain: %.1f clips/s (not counted)%n", warmUp.clipsPerSecond());
                json.put("warm_up_clips_per_s", warmUp.clipsPerSecond());
            }
            RunResult drain = runs.run(new PipelineRun.Load(sizes.drainCameras(), sizes.fps(), frames, true,
                    DeliveryGuarantee.AT_LEAST_ONCE));
            results.add(drain);
            double efficiency = drain.clipsPerSecond() / bare;
            double cpuEfficiency = drain.steadyCpuMsPerClip() > 0
                    ? bareSpeed.cpuMsPerClip() / drain.steadyCpuMsPerClip() : -1;
            out.printf(Locale.ROOT, "drain: %.1f clips/s -> pipeline efficiency %.3f (CPU per clip: bare %.1f ms,"
                            + " pipeline %.1f ms -> %.3f)%n", drain.clipsPerSecond(), efficiency,
                    bareSpeed.cpuMsPerClip(), drain.steadyCpuMsPerClip(), cpuEfficiency);
            json.put("cpu_efficiency", cpuEfficiency);
            for (double step : sizes.loadSteps()) {
                int cameras = Math.max(1, (int) Math.round(step * drain.clipsPerSecond() * options.stride() / sizes.fps()));
                long paced = Math.max(manifest.frames(), Math.round(sizes.stepSeconds() * sizes.fps()));
                results.add(runs.run(new PipelineRun.Load(cameras, sizes.fps(), paced, false,
                        DeliveryGuarantee.AT_LEAST_ONCE)));
            }
            json.put("drain_clips_per_s", drain.clipsPerSecond());
            json.put("pipeline_efficiency", efficiency);
        }
        ArrayNode rows = json.putArray("runs");
        results.forEach(r -> rows.add(r.json().put("offered_clips_per_s",
                r.load().prefill() ? -1 : r.load().offeredClipsPerSecond(options.stride()))));
        out.print(Reports.table(results, options.stride()));
        out.print(Reports.cpuTable(results.get(0)));
        Path written = Reports.write(json, options.outDir().resolve("pipeline.json"));
        out.println("wrote " + written.toAbsolutePath());
        Path png = options.outDir().resolve("pipeline.png");
        plot(results, bare, png);
        out.println("wrote " + png.toAbsolutePath());
        return json;
    }

    private void plot(List<RunResult> results, double bare, Path png) {
        List<RunResult> paced = results.stream().filter(r -> !r.load().prefill()).toList();
        double drain = results.get(0).clipsPerSecond();
        double maxOffered = paced.stream().mapToDouble(r -> r.load().offeredClipsPerSecond(options.stride())).max()
                .orElse(drain);
        LineChart chart = new LineChart(String.format(Locale.ROOT, "clipstream pipeline throughput, %d cores, %s, batch %d",
                BenchOptions.cores(), options.model(), options.batchSize()),
                "offered load (clips/s: cameras x fps / stride)", "delivered (clips/s)");
        chart.series("delivered (paced runs)", paced.stream().mapToDouble(r -> r.load().offeredClipsPerSecond(options.stride())).toArray(),
                paced.stream().mapToDouble(RunResult::clipsPerSecond).toArray());
        chart.series("offered = delivered", new double[] {0, maxOffered}, new double[] {0, maxOffered});
        chart.horizontal(String.format(Locale.ROOT, "pipeline capacity (drain) %.1f", drain), drain);
        chart.horizontal(String.format(Locale.ROOT, "bare model %.1f", bare), bare);
        chart.write(png);
    }

}

package clipstream.bench;

import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * {@code bench pipeline}: the whole chain against the bare model. After warm-up drains, {@code rounds} times: the
 * model alone (same clips, batch size and TensorFlow threads), then the job draining a backlog of
 * {@code clipsPerCamera} clips from each of {@code drainCameras} cameras (its sustained capacity); the model alone
 * once more at the end. Each drain is compared with the mean of the bare-model measures just before and just after
 * it, so a machine whose speed drifts (a virtual machine's neighbours, frequency) moves both sides of the ratio
 * alike; the reported {@code pipeline_efficiency} is the median over the rounds, each round is in the JSON. Then
 * paced runs at increasing offered load, as fractions of the median capacity, for latency. Writes
 * {@code pipeline.json} and {@code pipeline.png} (delivered vs offered clips/s).
 */
final class PipelineBenchmark {

    /** Sizes of a pipeline run. */
    record Sizes(int drainCameras, int clipsPerCamera, double fps, List<Double> loadSteps, double stepSeconds,
                 double bareSeconds, int warmUpDrains, int rounds) {

        Sizes {
            if (rounds < 1) {
                throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
            }
            if (warmUpDrains < 0) {
                throw new IllegalArgumentException("--warm-up-drains must be 0 or more, got " + warmUpDrains);
            }
        }
    }

    /** One drain between two bare-model measures. */
    private record Round(BareModel.Speed bareBefore, RunResult drain, double drainStealShare, BareModel.Speed bareAfter) {

        double bare() {
            return (bareBefore.clipsPerSecond() + bareAfter.clipsPerSecond()) / 2;
        }

        double efficiency() {
            return drain.clipsPerSecond() / bare();
        }

        double bareCpuMsPerClip() {
            return (bareBefore.cpuMsPerClip() + bareAfter.cpuMsPerClip()) / 2;
        }

        double cpuEfficiency() {
            return drain.steadyCpuMsPerClip() > 0 ? bareCpuMsPerClip() / drain.steadyCpuMsPerClip() : -1;
        }

        /** Share of the drain's steady CPU time the JIT compilers took (still warming up when it is large). */
        double jitShare() {
            return drain.jitShare();
        }

        ObjectNode json() {
            ObjectNode json = JsonNodeFactory.instance.objectNode();
            json.put("bare_before_clips_per_s", bareBefore.clipsPerSecond())
                    .put("drain_clips_per_s", drain.clipsPerSecond())
                    .put("bare_after_clips_per_s", bareAfter.clipsPerSecond())
                    .put("efficiency", efficiency())
                    .put("bare_cpu_ms_per_clip", bareCpuMsPerClip())
                    .put("drain_cpu_ms_per_clip", drain.steadyCpuMsPerClip())
                    .put("cpu_efficiency", cpuEfficiency())
                    .put("steal_share_bare_before", bareBefore.stealShare())
                    .put("steal_share_drain", drainStealShare)
                    .put("steal_share_bare_after", bareAfter.stealShare())
                    .put("jit_share_drain", jitShare());
            return json;
        }
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
        List<RunResult> results = new ArrayList<>();
        List<Round> rounds = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PipelineRun runs = new PipelineRun(kafka, manifest, options)) {
            long frames = (long) (sizes.clipsPerCamera() - 1) * options.stride() + manifest.frames();
            PipelineRun.Load drainLoad = new PipelineRun.Load(sizes.drainCameras(), sizes.fps(), frames, true,
                    DeliveryGuarantee.AT_LEAST_ONCE);
            // every backlog is written before anything is measured: the producers, and the JIT compiling them,
            // stay out of the drains
            List<PipelineRun.Prepared> backlogs = new ArrayList<>();
            for (int r = 0; r < sizes.rounds() + sizes.warmUpDrains(); r++) {
                backlogs.add(runs.prepare(drainLoad));
            }
            java.util.Iterator<PipelineRun.Prepared> next = backlogs.iterator();
            // drains first: class loading, JIT compilation and TensorFlow's first runs happen there, not in the
            // measured drains (after one drain the C2 compiler still took 5-10 % of the next ones' CPU, compiling
            // broker, Kafka client and Flink paths for the first time)
            json.put("warm_up_drains", sizes.warmUpDrains());
            for (int w = 1; w <= sizes.warmUpDrains(); w++) {
                RunResult warmUp = runs.run(next.next());
                out.printf(Locale.ROOT, "warm-up drain %d: %.1f clips/s (not counted)%n", w, warmUp.clipsPerSecond());
                json.put("warm_up_clips_per_s", warmUp.clipsPerSecond());
            }
            BareModel.Speed before = bare(manifest);
            for (int r = 1; r <= sizes.rounds(); r++) {
                ProcessUsage.MachineTicks drainStart = ProcessUsage.machineTicks();
                RunResult drain = runs.run(next.next());
                double drainSteal = ProcessUsage.machineTicks().stealShareSince(drainStart);
                BareModel.Speed after = bare(manifest);
                Round round = new Round(before, drain, drainSteal, after);
                rounds.add(round);
                results.add(drain);
                out.printf(Locale.ROOT, "round %d: drain %.1f clips/s vs bare model %.1f (%.1f before, %.1f after)"
                                + " -> efficiency %.3f; CPU per clip bare %.1f ms, pipeline %.1f ms -> %.3f;"
                                + " steal %.1f %%, JIT %.1f %% of the drain's CPU%n", r, drain.clipsPerSecond(), round.bare(),
                        before.clipsPerSecond(), after.clipsPerSecond(), round.efficiency(),
                        round.bareCpuMsPerClip(), drain.steadyCpuMsPerClip(),
                        round.cpuEfficiency(), 100 * drainSteal, 100 * round.jitShare());
                before = after;
            }
            double capacity = median(rounds.stream().mapToDouble(r -> r.drain().clipsPerSecond()));
            double efficiency = median(rounds.stream().mapToDouble(Round::efficiency));
            double bare = median(rounds.stream().flatMapToDouble(r -> java.util.stream.DoubleStream.of(
                    r.bareBefore().clipsPerSecond(), r.bareAfter().clipsPerSecond())));
            out.printf(Locale.ROOT, "pipeline efficiency %.3f (median of %d rounds: %s); capacity %.1f clips/s,"
                            + " bare model %.1f clips/s (medians)%n", efficiency, rounds.size(),
                    rounds.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.efficiency())).toList(), capacity,
                    bare);
            json.put("bare_model_clips_per_s", bare);
            json.put("bare_model_cpu_ms_per_clip", median(rounds.stream().mapToDouble(r -> r.bareBefore().cpuMsPerClip())));
            json.put("drain_clips_per_s", capacity);
            json.put("pipeline_efficiency", efficiency);
            json.put("cpu_efficiency", median(rounds.stream().mapToDouble(Round::cpuEfficiency)));
            ArrayNode roundsJson = json.putArray("rounds");
            rounds.forEach(r -> roundsJson.add(r.json()));
            for (double step : sizes.loadSteps()) {
                int cameras = Math.max(1, (int) Math.round(step * capacity * options.stride() / sizes.fps()));
                long paced = Math.max(manifest.frames(), Math.round(sizes.stepSeconds() * sizes.fps()));
                results.add(runs.run(new PipelineRun.Load(cameras, sizes.fps(), paced, false,
                        DeliveryGuarantee.AT_LEAST_ONCE)));
            }
            ArrayNode rows = json.putArray("runs");
            results.forEach(r -> rows.add(r.json().put("offered_clips_per_s",
                    r.load().prefill() ? -1 : r.load().offeredClipsPerSecond(options.stride()))));
            out.print(Reports.table(results, options.stride()));
            out.print(Reports.cpuTable(rounds.get(rounds.size() - 1).drain()));
            Path written = Reports.write(json, options.outDir().resolve("pipeline.json"));
            out.println("wrote " + written.toAbsolutePath());
            Path png = options.outDir().resolve("pipeline.png");
            plot(results, capacity, bare, png);
            out.println("wrote " + png.toAbsolutePath());
        }
        return json;
    }

    private BareModel.Speed bare(ModelManifest manifest) {
        BareModel.Speed speed = BareModel.measure(options, manifest.name(), manifest.version(), sizes.bareSeconds());
        out.printf(Locale.ROOT, "bare model: %.1f clips/s, %.1f CPU ms per clip, steal %.1f %% (%s v%s, batch %d,"
                        + " intra-op %d, inter-op %d, spinning %s)%n", speed.clipsPerSecond(), speed.cpuMsPerClip(),
                100 * speed.stealShare(), manifest.name(), manifest.version(), options.batchSize(),
                options.intraOpThreads(), options.interOpThreads(), options.threadSpinning() ? "on" : "off");
        return speed;
    }

    /** The median of {@code values} (the mean of the middle two of an even count). */
    static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private void plot(List<RunResult> results, double drain, double bare, Path png) {
        List<RunResult> paced = results.stream().filter(r -> !r.load().prefill()).toList();
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

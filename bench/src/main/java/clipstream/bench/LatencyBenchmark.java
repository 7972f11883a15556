package clipstream.bench;

import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * {@code bench latency}: at one sustainable load (a share of the pipeline's capacity), the end-to-end latency
 * distribution with at-least-once and with exactly-once delivery. Exactly-once events become visible only when the
 * checkpoint that covers them commits its Kafka transaction, so its latency is bounded below by the checkpoint
 * interval's share: both are reported, with the interval.
 */
final class LatencyBenchmark {

    /**
     * @param capacity clips/s the pipeline sustains; 0: read it from pipeline.json, else drain a short backlog
     * @param warmUpSeconds a run at the same load first in each delivery mode, not counted (JIT, class loading,
     *                      TensorFlow's first runs: on a cold JVM the first measured run fell behind its cameras and
     *                      built a backlog; after one at-least-once warm-up the JIT compilers still took a fifth of
     *                      the at-least-once run's CPU, and the exactly-once paths were compiled in its run)
     * @param inference clip by clip, or as streams (a model with a stream mode)
     */
    record Sizes(double capacity, double loadShare, int cameras, double seconds, double warmUpSeconds,
                 PipelineRun.InferenceMode inference) {
    }

    private final BenchOptions options;
    private final Sizes sizes;
    private final PrintStream out;

    LatencyBenchmark(BenchOptions options, Sizes sizes, PrintStream out) {
        this.options = options;
        this.sizes = sizes;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ModelManifest manifest = new ModelStore(options.store()).describe(options.model(), null).manifest();
        ObjectNode json = Reports.header("latency", options, manifest);
        List<RunResult> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PipelineRun runs = new PipelineRun(kafka, manifest, options)) {
            double capacity = sizes.capacity() > 0 ? sizes.capacity() : measuredCapacity();
            if (capacity <= 0) {
                long frames = (long) (10 - 1) * options.stride() + manifest.frames();
                RunResult drain = runs.run(new PipelineRun.Load(4, 25, frames, true, DeliveryGuarantee.AT_LEAST_ONCE));
                capacity = drain.clipsPerSecond();
                results.add(drain);
            }
            double target = sizes.loadShare() * capacity;
            double fps = target * options.stride() / sizes.cameras();
            out.printf(Locale.ROOT, "capacity %.1f clips/s; load %.1f clips/s = %d cameras x %.1f fps%n", capacity,
                    target, sizes.cameras(), fps);
            json.put("inference", sizes.inference().label());
            json.put("capacity_clips_per_s", capacity).put("offered_clips_per_s", target)
                    .put("cameras", sizes.cameras()).put("fps", fps);
            long frames = Math.max(manifest.frames(), Math.round(sizes.seconds() * fps));
            List<DeliveryGuarantee> deliveries = List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE);
            if (sizes.warmUpSeconds() > 0) {
                long warmUpFrames = Math.max(manifest.frames(), Math.round(sizes.warmUpSeconds() * fps));
                ArrayNode warmUps = json.putArray("warm_up_runs");
                for (DeliveryGuarantee delivery : deliveries) {
                    RunResult warmUp = runs.run(runs.prepare(new PipelineRun.Load(sizes.cameras(), fps, warmUpFrames,
                            false, delivery), sizes.inference()));
                    out.printf(Locale.ROOT, "warm-up run, %s: %.1f clips/s delivered, JIT %.0f %% of its CPU (not"
                            + " counted)%n", delivery.name().toLowerCase(Locale.ROOT), warmUp.clipsPerSecond(),
                            100 * warmUp.jitShare());
                    warmUps.addObject().put("delivery", delivery.name()).put("clips_per_s", warmUp.clipsPerSecond())
                            .put("jit_share", warmUp.jitShare());
                }
            }
            for (DeliveryGuarantee delivery : deliveries) {
                results.add(runs.run(runs.prepare(new PipelineRun.Load(sizes.cameras(), fps, frames, false, delivery),
                        sizes.inference())));
            }
        }
        ArrayNode rows = json.putArray("runs");
        results.forEach(r -> rows.add(r.json()));
        out.print(Reports.table(results, options.stride()));
        for (RunResult result : results) {
            out.printf(Locale.ROOT, "%s: JIT compilers %.1f %% of the steady CPU%n",
                    result.load().delivery().name().toLowerCase(Locale.ROOT), 100 * result.jitShare());
        }
        out.printf(Locale.ROOT, "checkpoint interval %d ms: exactly-once events wait for the commit of the checkpoint"
                + " after them (about half an interval on average, a whole one at worst)%n",
                options.checkpointInterval().toMillis());
        Path written = Reports.write(json, options.outDir().resolve("latency.json"));
        out.println("wrote " + written.toAbsolutePath());
        return json;
    }

    /** The drain rate of the last {@code bench pipeline} run in the same output folder, if there is one. */
    private double measuredCapacity() {
        Path file = options.outDir().resolve("pipeline.json");
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try {
            JsonNode pipeline = new ObjectMapper().readTree(file.toFile());
            return pipeline.path("drain_clips_per_s").asDouble(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}

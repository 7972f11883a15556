package clipstream.bench;

import clipstream.common.stats.Percentiles;
import clipstream.model.store.ModelManifest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every suite writes: the JSON header (machine, load, settings), the run table, JSON files. */
final class Reports {
    private Reports() {
    }

    static ObjectNode header(String suite, BenchOptions options, ModelManifest manifest) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("suite", suite).put("time", Instant.now().toString()).put("cores", BenchOptions.cores())
                .put("load_average_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                .put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        if (manifest != null) {
            json.put("model", manifest.name()).put("model_version", manifest.version())
                    .put("input", manifest.input().shape().toString());
        }
        json.putObject("settings").put("stride", options.stride()).put("batch_size", options.batchSize())
                .put("batch_timeout_ms", options.batchTimeout().toMillis())
                .put("intra_op_threads", options.intraOpThreads()).put("inter_op_threads", options.interOpThreads())
                .put("thread_spinning", options.threadSpinning()).put("precision", options.precision().label())
                .put("parallelism", Math.max(1, options.parallelism()))
                .put("checkpoint_interval_ms", options.checkpointInterval().toMillis())
                .put("out_of_orderness_ms", options.outOfOrderness().toMillis());
        return json;
    }

    static String table(List<RunResult> results, int stride) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n%-6s %-13s %4s %8s %8s %8s %9s %6s %15s %15s %9s %9s %9s %6s %6s %5s%n", "mode", "delivery", "cams",
                "offered", "clips/s", "frames/s", "events", "dlq", "e2e p50/95/99", "complete p50/99", "wait p50", "infer p50",
                "commit p50", "batch", "cores", "RSS"));
        for (RunResult r : results) {
            out.append(String.format(Locale.ROOT,
                    "%-6s %-13s %4d %8s %8.1f %8.0f %4d/%-4d %6d %15s %15s %9.0f %9.0f %9.0f %6.1f %6.2f %5d%n",
                    r.load().prefill() ? "drain" : "paced", r.load().delivery().name().toLowerCase(Locale.ROOT),
                    r.load().cameras(), r.load().prefill() ? "backlog"
                            : String.format(Locale.ROOT, "%.1f", r.load().offeredClipsPerSecond(stride)),
                    r.clipsPerSecond(), r.framesPerSecond(), r.events(), r.expectedClips(), r.deadLetters(),
                    r.endToEnd(), r.load().prefill() ? "-" // backlog frames carry capture times from their writing
                            : String.format(Locale.ROOT, "%.0f/%.0f", r.stage("clipCompleteLatencyMs_p50"),
                                    r.stage("clipCompleteLatencyMs_p99")),
                    r.stage("batchWaitMs_p50"), r.stage("inferenceLatencyMs_p50"), r.commitWait().p50(),
                    r.stage("batchSize_mean"), r.coresBusy(), r.peakRssMiB()));
        }
        return out.toString();
    }

    /** Where the CPU went in one run, by thread group. */
    static String cpuTable(RunResult r) {
        boolean steady = !r.steadyCpuByThread().isEmpty();
        Map<String, Double> byThread = steady ? r.steadyCpuByThread() : r.cpuByThread();
        double total = byThread.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nCPU by thread, %s (%s run: %.2f cores busy, %.1f CPU ms per clip overall, %.1f steady;"
                        + " model busy %.0f%% of the steady time):%n",
                steady ? "steady part" : "whole run", r.load().prefill() ? "drain" : "paced", r.coresBusy(),
                r.cpuMsPerClip(), r.steadyCpuMsPerClip(), 100 * r.modelBusy()));
        for (Map.Entry<String, Double> e : byThread.entrySet()) {
            out.append(String.format(Locale.ROOT, "  %-24s %7.2f s  %5.1f%%%n", e.getKey(), e.getValue(),
                    100 * e.getValue() / Math.max(1e-9, total)));
        }
        return out.toString();
    }

    /** {@code {count, p50, p95, p99, max}} of a latency distribution. */
    static ObjectNode json(Percentiles percentiles) {
        return JsonNodeFactory.instance.objectNode().put("count", percentiles.count()).put("p50", percentiles.p50())
                .put("p95", percentiles.p95()).put("p99", percentiles.p99()).put("max", percentiles.max());
    }

    static Path write(ObjectNode json, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}

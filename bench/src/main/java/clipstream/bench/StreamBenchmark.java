package clipstream.bench;

import clipstream.bench.PipelineRun.InferenceMode;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * {@code bench stream}: a stream model (default c3d-small-stream) served clip by clip against the same weights served
 * as streams, in one run on the embedded stack. For each stride, {@code rounds} times: the job draining a backlog
 * with clip-by-clip inference (each frame computed once per clip it is in), then a backlog of the same size with
 * stream inference (each frame once, each camera's state in keyed state); same cameras, clips, batch size and
 * TensorFlow threads. A round's ratio is stream clips/s ÷ clip clips/s, so a machine whose speed drifts moves both
 * sides alike; a stride's ratio is the median over its rounds. Then, optionally, both modes paced at one offered
 * load (the job's end-to-end latency, which a backlog's old capture times make meaningless in a drain) and a
 * clip-by-clip drain of a reference model (c3d-small). Reports CPU per clip (the process's, and by thread), batch
 * sizes, and each camera's stream state. Writes {@code stream.json}.
 */
final class StreamBenchmark {
    /** The ratio stream ÷ clip clips/s issue 20 sets per stride (the compute per clip falls 2× at 16, 4× at 8). */
    private static final Map<Integer, Double> TARGETS = Map.of(16, 1.8, 8, 3.5);
    /** Thread groups shown in the CPU-by-thread comparison. */
    private static final int THREAD_ROWS = 10;

    /** Sizes of a stream run; {@code pacedSeconds} 0: no paced runs; {@code referenceModel} null: no reference. */
    record Sizes(List<Integer> strides, int cameras, int clipsPerCamera, double fps, int rounds, int warmUpDrains,
                 double pacedLoad, double pacedSeconds, String referenceModel) {

        Sizes {
            if (strides.isEmpty() || strides.stream().anyMatch(s -> s < 1)) {
                throw new IllegalArgumentException("--strides must list positive strides, got " + strides);
            }
            if (cameras < 1 || clipsPerCamera < 1 || fps <= 0) {
                throw new IllegalArgumentException("--cameras, --clips-per-camera and --fps must be positive");
            }
            if (rounds < 1 || warmUpDrains < 0) {
                throw new IllegalArgumentException("--rounds must be at least 1 and --warm-up-drains 0 or more, got "
                        + rounds + " and " + warmUpDrains);
            }
            if (pacedSeconds < 0 || (pacedSeconds > 0 && pacedLoad <= 0)) {
                throw new IllegalArgumentException("--paced-seconds must be 0 or more and --paced-load positive");
            }
            strides = List.copyOf(strides);
        }
    }

    /** One measured run: which stride, which run of it (warm-up, round n, paced, reference), how it classified. */
    private record Row(int stride, String run, InferenceMode mode, String model, RunResult result) {

        ObjectNode json() {
            return result.json().put("stride", stride).put("run", run).put("inference", mode.label())
                    .put("model", model);
        }
    }

    /** A round at one stride: the clip-by-clip drain, then the stream drain of the same size. */
    private record Round(Row clips, Row stream) {

        double ratio() {
            double base = clips.result().clipsPerSecond();
            return base > 0 ? stream.result().clipsPerSecond() / base : -1;
        }
    }

    /** What one stride measured. */
    private record Stride(int stride, List<Round> rounds, List<Row> paced, Row reference) {

        double median(InferenceMode mode) {
            return PipelineBenchmark.median(rounds.stream().mapToDouble(r -> (mode == InferenceMode.STREAM ? r.stream()
                    : r.clips()).result().clipsPerSecond()));
        }

        double ratio() {
            return PipelineBenchmark.median(rounds.stream().mapToDouble(Round::ratio));
        }

        /** The checkpointed state per camera in this mode's drains: the largest latest-checkpoint size seen; -1: none. */
        double checkpointBytesPerCamera(InferenceMode mode) {
            return rounds.stream().map(r -> mode == InferenceMode.STREAM ? r.stream() : r.clips())
                    .mapToDouble(r -> r.result().stage(PipelineRun.CHECKPOINT_STATE_BYTES) / r.result().load().cameras())
                    .filter(b -> b > 0).max().orElse(-1);
        }
    }

    private final BenchOptions options;
    private final Sizes sizes;
    private final PrintStream out;

    StreamBenchmark(BenchOptions options, Sizes sizes, PrintStream out) {
        this.options = options;
        this.sizes = sizes;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ModelStore store = new ModelStore(options.store());
        ModelManifest manifest = store.describe(options.model(), null).manifest();
        requireStreams(manifest);
        ModelManifest reference = sizes.referenceModel() == null ? null
                : store.describe(sizes.referenceModel(), null).manifest();
        if (reference != null && (reference.frames() != manifest.frames() || reference.width() != manifest.width()
                || reference.height() != manifest.height())) {
            throw new IllegalArgumentException("--reference-model " + reference.name() + " takes "
                    + reference.input().shape() + ", " + manifest.name() + " " + manifest.input().shape()
                    + ": a reference must take the same clips");
        }
        long stateBytes = manifest.stream().stateFloats() * Float.BYTES;
        ObjectNode json = Reports.header("stream", options, manifest);
        ObjectNode settings = (ObjectNode) json.get("settings");
        settings.remove("stride");
        sizes.strides().forEach(settings.putArray("strides")::add);
        json.put("cameras", sizes.cameras()).put("clips_per_camera", sizes.clipsPerCamera()).put("fps", sizes.fps())
                .put("rounds", sizes.rounds()).put("warm_up_drains", sizes.warmUpDrains())
                .put("chunk_multiple", manifest.stream().chunkMultiple())
                .put("state_floats_per_camera", manifest.stream().stateFloats())
                .put("state_bytes_per_camera", stateBytes);
        out.printf(Locale.ROOT, "%s v%s: %s clips, stream state %d floats = %.1f KiB per camera; %d cameras x %d clips"
                        + " per drain, %d round(s) per stride, batch %d, intra-op %d, inter-op %d, load average %.2f%n",
                manifest.name(), manifest.version(), manifest.input().shape(), manifest.stream().stateFloats(),
                stateBytes / 1024.0, sizes.cameras(), sizes.clipsPerCamera(), sizes.rounds(), options.batchSize(),
                options.intraOpThreads(), options.interOpThreads(), json.path("load_average_1m").asDouble());
        List<Row> warmUps = new ArrayList<>();
        List<Stride> strides = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            for (int stride : sizes.strides()) {
                strides.add(measure(kafka, manifest, reference, stride, strides.isEmpty() ? warmUps : null));
            }
        }
        json.put("load_average_1m_after", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        ArrayNode warmUpJson = json.putArray("warm_up");
        warmUps.forEach(r -> warmUpJson.add(r.json()));
        ArrayNode stridesJson = json.putArray("strides");
        strides.forEach(s -> stridesJson.add(json(s, stateBytes)));
        out.print(table(strides));
        strides.forEach(s -> out.print(summary(s, stateBytes)));
        strides.forEach(s -> out.print(cpuByThread(s.rounds().get(s.rounds().size() - 1), s.stride())));
        out.printf(Locale.ROOT, "%nload average (1 min): %.2f before, %.2f after%n",
                json.path("load_average_1m").asDouble(), json.path("load_average_1m_after").asDouble());
        Path written = Reports.write(json, options.outDir().resolve("stream.json"));
        out.println("wrote " + written.toAbsolutePath());
        return json;
    }

    /** The strides the model can stream at: a multiple of its chunk that divides the clip. */
    private void requireStreams(ModelManifest manifest) {
        if (!manifest.isStream()) {
            throw new IllegalArgumentException(manifest.name() + " version " + manifest.version() + " has no stream"
                    + " mode: --model must name a stream architecture such as c3d-small-stream");
        }
        for (int stride : sizes.strides()) {
            if (stride % manifest.stream().chunkMultiple() != 0 || manifest.frames() % stride != 0) {
                throw new IllegalArgumentException("--strides " + stride + ": " + manifest.name() + " streams chunks"
                        + " of a multiple of " + manifest.stream().chunkMultiple() + " frames that divide its clip of "
                        + manifest.frames());
            }
        }
    }

    /**
     * One stride: every backlog written first (the producers stay out of the drains), then the warm-up drains (when
     * {@code warmUps} is given: the first stride's), the rounds, the paced runs and the reference drain.
     */
    private Stride measure(EmbeddedKafka kafka, ModelManifest manifest, ModelManifest reference, int stride,
                           List<Row> warmUps) throws Exception {
        BenchOptions at = options.withStride(stride);
        long frames = (long) (sizes.clipsPerCamera() - 1) * stride + manifest.frames();
        if (frames / sizes.fps() * 1000 <= options.outOfOrderness().toMillis()) {
            // the assembler trusts a camera's first frame once the watermark passes it: never, in so short a backlog
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--clips-per-camera %d at stride %d is %d"
                    + " frames, %.2f s of capture time at %.0f fps: within the out-of-orderness bound (%d ms), so no"
                    + " clip would come out; use more clips", sizes.clipsPerCamera(), stride, frames,
                    frames / sizes.fps(), sizes.fps(), options.outOfOrderness().toMillis()));
        }
        PipelineRun.Load drain = new PipelineRun.Load(sizes.cameras(), sizes.fps(), frames, true,
                DeliveryGuarantee.AT_LEAST_ONCE);
        List<Round> rounds = new ArrayList<>();
        List<Row> paced = new ArrayList<>();
        try (PipelineRun runs = new PipelineRun(kafka, manifest, at, "s" + stride)) {
            int warmUpDrains = warmUps == null ? 0 : sizes.warmUpDrains();
            List<PipelineRun.Prepared> backlogs = new ArrayList<>();
            for (int i = 0; i < warmUpDrains + sizes.rounds(); i++) {
                backlogs.add(runs.prepare(drain, InferenceMode.CLIPS));
                backlogs.add(runs.prepare(drain, InferenceMode.STREAM));
            }
            Iterator<PipelineRun.Prepared> next = backlogs.iterator();
            for (int w = 1; w <= warmUpDrains; w++) {
                for (int m = 0; m < 2; m++) {
                    Row row = drain(runs, next.next(), stride, "warm-up " + w, manifest);
                    warmUps.add(row);
                    out.printf(Locale.ROOT, "stride %d warm-up drain %d, %s: %.1f clips/s (not counted)%n", stride, w,
                            row.mode().label(), row.result().clipsPerSecond());
                }
            }
            for (int r = 1; r <= sizes.rounds(); r++) {
                Round round = new Round(drain(runs, next.next(), stride, "round " + r, manifest),
                        drain(runs, next.next(), stride, "round " + r, manifest));
                rounds.add(round);
                out.printf(Locale.ROOT, "stride %d round %d: clips %.1f clips/s, stream %.1f clips/s -> x%.2f;"
                                + " CPU per clip %.1f vs %.1f ms; batch %.1f vs %.1f%n", stride, r,
                        round.clips().result().clipsPerSecond(), round.stream().result().clipsPerSecond(),
                        round.ratio(), round.clips().result().steadyCpuMsPerClip(),
                        round.stream().result().steadyCpuMsPerClip(), round.clips().result().stage("batchSize_mean"),
                        round.stream().result().stage("batchSize_mean"));
            }
            if (sizes.pacedSeconds() > 0) {
                double capacity = PipelineBenchmark.median(rounds.stream()
                        .mapToDouble(r -> r.clips().result().clipsPerSecond()));
                int cameras = Math.max(1, (int) Math.round(sizes.pacedLoad() * capacity * stride / sizes.fps()));
                long pacedFrames = Math.max(manifest.frames(), Math.round(sizes.pacedSeconds() * sizes.fps()));
                PipelineRun.Load load = new PipelineRun.Load(cameras, sizes.fps(), pacedFrames, false,
                        DeliveryGuarantee.AT_LEAST_ONCE);
                for (InferenceMode mode : InferenceMode.values()) {
                    paced.add(new Row(stride, "paced", mode, manifest.name(), runs.run(runs.prepare(load, mode))));
                }
            }
        }
        Row referenceRow = null;
        if (reference != null) {
            try (PipelineRun runs = new PipelineRun(kafka, reference, at.withModel(reference.name()),
                    "s" + stride + "-" + reference.name())) {
                referenceRow = new Row(stride, "reference", InferenceMode.CLIPS, reference.name(),
                        runs.run(runs.prepare(drain, InferenceMode.CLIPS)));
            }
        }
        return new Stride(stride, rounds, paced, referenceRow);
    }

    private static Row drain(PipelineRun runs, PipelineRun.Prepared backlog, int stride, String run,
                             ModelManifest manifest) throws Exception {
        return new Row(stride, run, backlog.inference(), manifest.name(), runs.run(backlog));
    }

    private static List<Row> rows(Stride s) {
        List<Row> rows = new ArrayList<>();
        s.rounds().forEach(r -> {
            rows.add(r.clips());
            rows.add(r.stream());
        });
        rows.addAll(s.paced());
        if (s.reference() != null) {
            rows.add(s.reference());
        }
        return rows;
    }

    private String table(List<Stride> strides) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%n%6s %-9s %-6s %-18s %5s %8s %6s %9s %12s %5s %11s %9s %9s %17s %12s %6s%n", "stride", "run",
                "mode", "model", "cams", "clips/s", "ratio", "events", "CPU ms/clip", "cores", "batch mn/50",
                "infer p50", "wait p50", "e2e p50/95/99", "ckpt KiB/cam", "resets"));
        for (Stride s : strides) {
            for (Row row : rows(s)) {
                RunResult r = row.result();
                String ratio = "-";
                for (Round round : s.rounds()) {
                    if (round.stream() == row) {
                        ratio = String.format(Locale.ROOT, "x%.2f", round.ratio());
                    }
                }
                double checkpoint = r.stage(PipelineRun.CHECKPOINT_STATE_BYTES);
                out.append(String.format(Locale.ROOT,
                        "%6d %-9s %-6s %-18s %5d %8.1f %6s %4d/%-4d %12.1f %5.2f %5.1f/%-5.0f %9.0f %9.0f %17s %12s %6s%n",
                        row.stride(), row.run(), row.mode().label(), row.model(), r.load().cameras(),
                        r.clipsPerSecond(), ratio, r.events(), r.expectedClips(),
                        cpuMsPerClip(r), r.coresBusy(),
                        r.stage("batchSize_mean"), r.stage("batchSize_p50"), r.stage("inferenceLatencyMs_p50"),
                        r.stage("batchWaitMs_p50"),
                        // a backlog's frames carry capture times from their writing: no latency in a drain
                        r.load().prefill() ? "(backlog)" : String.format(Locale.ROOT, "%.0f/%.0f/%.0f",
                                r.stage("endToEndLatencyMs_p50"), r.stage("endToEndLatencyMs_p95"),
                                r.stage("endToEndLatencyMs_p99")),
                        checkpoint > 0 ? String.format(Locale.ROOT, "%.0f", checkpoint / r.load().cameras() / 1024)
                                : "-",
                        row.mode() == InferenceMode.STREAM ? String.format(Locale.ROOT, "%.0f",
                                Math.max(0, r.stage("streamResets"))) : "-"));
            }
        }
        return out.toString();
    }

    private static String summary(Stride s, long stateBytes) {
        Double target = TARGETS.get(s.stride());
        double ratio = s.ratio();
        String verdict = target == null ? "no target set for this stride"
                : String.format(Locale.ROOT, "target >= %.1f: %s", target, ratio >= target ? "met" : "NOT met");
        double clipState = s.checkpointBytesPerCamera(InferenceMode.CLIPS);
        double streamState = s.checkpointBytesPerCamera(InferenceMode.STREAM);
        return String.format(Locale.ROOT, "%nstride %d: clip by clip %.1f clips/s, as streams %.1f clips/s (medians);"
                        + " stream/clip x%.2f (median of %s), %s%n  state per camera: %.1f KiB of stream state in"
                        + " keyed state (manifest); checkpointed per camera %s as streams, %s clip by clip%s%n",
                s.stride(), s.median(InferenceMode.CLIPS), s.median(InferenceMode.STREAM), ratio,
                s.rounds().stream().map(r -> String.format(Locale.ROOT, "%.2f", r.ratio())).toList(), verdict,
                stateBytes / 1024.0, kib(streamState), kib(clipState),
                s.reference() == null ? "" : String.format(Locale.ROOT, "%n  reference %s clip by clip: %.1f clips/s",
                        s.reference().model(), s.reference().result().clipsPerSecond()));
    }

    private static String kib(double bytes) {
        return bytes > 0 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024) : "- (no checkpoint completed)";
    }

    /**
     * CPU milliseconds per clip by thread group over the steady part of one round's two drains (the whole drains when
     * too short for a steady part): each group's share of the listed groups' CPU times the run's CPU ms per clip, as
     * {@code bench pipeline}'s CPU table shares it out.
     */
    private static String cpuByThread(Round round, int stride) {
        Map<String, Double> clips = perClip(round.clips().result());
        Map<String, Double> stream = perClip(round.stream().result());
        Set<String> groups = new LinkedHashSet<>();
        stream.keySet().stream().limit(THREAD_ROWS).forEach(groups::add);
        clips.keySet().stream().limit(THREAD_ROWS).forEach(groups::add);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nCPU ms per clip by thread, stride %d, %s (steady part of each drain):%n  %-24s %8s %8s%n", stride,
                round.clips().run(), "thread group", "clips", "stream"));
        out.append(String.format(Locale.ROOT, "  %-24s %8.1f %8.1f%n", "(whole process)",
                cpuMsPerClip(round.clips().result()), cpuMsPerClip(round.stream().result())));
        for (String group : groups) {
            out.append(String.format(Locale.ROOT, "  %-24s %8.2f %8.2f%n", group, clips.getOrDefault(group, 0.0),
                    stream.getOrDefault(group, 0.0)));
        }
        return out.toString();
    }

    private static Map<String, Double> perClip(RunResult r) {
        Map<String, Double> byThread = r.steadyCpuMsPerClip() > 0 ? r.steadyCpuByThread() : r.cpuByThread();
        double total = byThread.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> perClip = new java.util.LinkedHashMap<>();
        if (total > 0) {
            byThread.forEach((group, seconds) -> perClip.put(group, cpuMsPerClip(r) * seconds / total));
        }
        return perClip;
    }

    /** The process's CPU ms per clip over the steady part of a run, or over all of it when it had none. */
    private static double cpuMsPerClip(RunResult r) {
        return r.steadyCpuMsPerClip() > 0 ? r.steadyCpuMsPerClip() : r.cpuMsPerClip();
    }

    private static ObjectNode json(Stride s, long stateBytes) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        Double target = TARGETS.get(s.stride());
        json.put("stride", s.stride()).put("clips_clips_per_s", s.median(InferenceMode.CLIPS))
                .put("stream_clips_per_s", s.median(InferenceMode.STREAM)).put("ratio", s.ratio());
        if (target != null) {
            json.put("ratio_target", target).put("target_met", s.ratio() >= target);
        }
        json.put("clips_cpu_ms_per_clip", PipelineBenchmark.median(s.rounds().stream()
                        .mapToDouble(r -> r.clips().result().steadyCpuMsPerClip())))
                .put("stream_cpu_ms_per_clip", PipelineBenchmark.median(s.rounds().stream()
                        .mapToDouble(r -> r.stream().result().steadyCpuMsPerClip())))
                .put("state_bytes_per_camera", stateBytes)
                .put("clips_checkpoint_bytes_per_camera", s.checkpointBytesPerCamera(InferenceMode.CLIPS))
                .put("stream_checkpoint_bytes_per_camera", s.checkpointBytesPerCamera(InferenceMode.STREAM));
        ArrayNode rounds = json.putArray("rounds");
        for (Round r : s.rounds()) {
            ObjectNode round = rounds.addObject().put("ratio", r.ratio());
            round.set("clips", r.clips().json());
            round.set("stream", r.stream().json());
        }
        ArrayNode paced = json.putArray("paced");
        s.paced().forEach(r -> paced.add(r.json()));
        if (s.reference() != null) {
            json.set("reference", s.reference().json());
        }
        return json;
    }
}

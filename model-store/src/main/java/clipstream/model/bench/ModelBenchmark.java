package clipstream.model.bench;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClipGenerator;
import clipstream.media.people.PoseClipSettings;
import clipstream.model.data.KeypointDataset;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.data.PeopleDataset;
import clipstream.model.eval.Evaluation;
import clipstream.model.pose.KeypointClips;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.Precision;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelStore;
import clipstream.model.store.Normalization;
import clipstream.model.train.TrainingListener;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.TrainingRun;
import clipstream.model.train.WeightInit;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * {@code model bench}: clips/s and GFLOP/s of each architecture at several batch sizes, through the serving
 * path ({@link ClipClassifier}) and through a bare TensorFlow session on the same weights, as a share of the
 * machine's physical float32 peak ({@link PhysicalPeak}, computed from the CPU's flags and clock) and of the best
 * MatMul measured in the same run ({@link MatMulPeak}); then resident memory over many serving batches.
 */
public final class ModelBenchmark {
    /**
     * What to run: architectures, batch sizes, seconds per measurement, threads, memory-test batches, and the MatMul
     * sizes and intra-op thread counts swept for the measured peak (each point for half of {@code secondsPerPoint}),
     * and the clock for the physical peak when the user states it (else the one the CPU reports), and the serving
     * path's precision (the raw graph is always float32).
     */
    public record Settings(List<String> architectures, List<Integer> batches, double secondsPerPoint, int threads,
                           int memoryBatches, Path workDir, Path jsonOut, List<Integer> matMulSizes,
                           List<Integer> matMulThreads, OptionalDouble clockGhz, Precision precision) {
        public Settings {
            precision = precision == null ? Precision.FP32 : precision;
            if (matMulSizes.isEmpty() || matMulThreads.isEmpty()) {
                throw new IllegalArgumentException("--matmul-sizes and --matmul-threads need at least one value each");
            }
            if (matMulSizes.stream().anyMatch(s -> s < 1) || matMulThreads.stream().anyMatch(t -> t < 1)) {
                throw new IllegalArgumentException("--matmul-sizes and --matmul-threads take positive integers");
            }
        }
    }

    private final Settings settings;
    private final PrintStream out;

    public ModelBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public ObjectNode run() throws IOException {
        TensorFlowNatives.engine();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("suite", "model");
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("threads", settings.threads());
        json.put("serving_precision", settings.precision().label());
        // on a shared machine the other processes' load is part of the result
        json.put("load_average_1m_start", loadAverage());
        out.printf(Locale.ROOT, "Load average (1 min) at start: %.2f on %d cores%n", loadAverage(),
                Runtime.getRuntime().availableProcessors());
        Optional<PhysicalPeak> physical = PhysicalPeak.ofThisMachine().map(p -> settings.clockGhz().isPresent()
                ? p.withClock(settings.clockGhz().getAsDouble(), "--clock-ghz") : p);
        OptionalDouble physicalGflops = physical.map(PhysicalPeak::gflops).orElse(OptionalDouble.empty());
        physical.ifPresentOrElse(p -> json.set("physical_peak", physicalJson(p)), () -> json.putNull("physical_peak"));
        out.println("Physical FP32 peak: " + physical.map(PhysicalPeak::describe).orElse("n/a (no /proc/cpuinfo)"));
        if (settings.precision() == Precision.BF16) {
            out.println("Serving path in bf16 (oneDNN mixed precision; the raw graph stays fp32): its % columns compare"
                    + " with float32 peaks, and native bfloat16 does twice the float32 FMAs per instruction");
        }
        double peak = measuredPeak(json, physicalGflops);
        out.printf("%-12s %-14s %5s %12s %12s %10s %9s %9s %10s%n", "architecture", "input", "batch", "raw clips/s",
                "serve clips/s", "GFLOP/s", "% phys", "% MatMul", "serve/raw");
        ArrayNode rows = json.putArray("results");
        ModelStore store = new ModelStore(settings.workDir());
        for (String architecture : settings.architectures()) {
            InputShape shape = ModelZoo.DEFAULT_INPUT.get(architecture);
            NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(architecture, shape, classes(architecture)));
            Map<String, float[]> weights = WeightInit.initial(plan, 1);
            Normalization normalization = new Normalization(new float[] {127.5f, 127.5f, 127.5f},
                    new float[] {64f, 64f, 64f});
            publish(store, architecture, plan, normalization, weights);
            int largest = settings.batches().stream().mapToInt(Integer::intValue).max().orElse(1);
            List<byte[]> clips = clips(plan, (largest + 9) / 10);
            try (RawSession raw = new RawSession(plan, normalization, weights, settings.threads());
                 ClipClassifier serving = ClipClassifier.open(new ClassifierOptions(settings.workDir(), architecture,
                         null, "cpu", settings.threads(), 1).withPrecision(settings.precision()))) {
                for (int batch : settings.batches()) {
                    List<byte[]> input = clips.subList(0, batch);
                    double rawRate = rate(() -> raw.run(input), batch);
                    double servingRate = rate(() -> serving.classify(input, 1), batch);
                    double gflops = servingRate * 2.0 * plan.totalMacs() / 1e9;
                    String ofPhysical = physicalGflops.isPresent()
                            ? String.format(Locale.ROOT, "%.0f%%", 100 * gflops / physicalGflops.getAsDouble()) : "n/a";
                    out.printf(Locale.ROOT, "%-12s %-14s %5d %12.2f %12.2f %10.1f %9s %8.0f%% %10.3f%n", architecture,
                            shape, batch, rawRate, servingRate, gflops, ofPhysical, 100 * gflops / peak,
                            servingRate / rawRate);
                    ObjectNode row = rows.addObject().put("architecture", architecture).put("input", shape.toString())
                            .put("batch", batch).put("raw_clips_per_s", rawRate).put("serving_clips_per_s", servingRate)
                            .put("gflop_per_clip", 2.0 * plan.totalMacs() / 1e9).put("serving_gflops", gflops);
                    if (physicalGflops.isPresent()) {
                        row.put("fraction_of_physical_peak", gflops / physicalGflops.getAsDouble());
                    } else {
                        row.putNull("fraction_of_physical_peak");
                    }
                    row.put("fraction_of_matmul_peak", gflops / peak).put("serving_over_raw", servingRate / rawRate);
                }
            }
        }
        if (settings.memoryBatches() > 0) {
            json.set("memory", memory(store));
        }
        json.put("load_average_1m_end", loadAverage());
        out.printf(Locale.ROOT, "Load average (1 min) at the end: %.2f%n", loadAverage());
        Files.createDirectories(settings.jsonOut().getParent());
        ModelStore.json().writeValue(settings.jsonOut().toFile(), json);
        out.println("wrote " + settings.jsonOut().toAbsolutePath());
        return json;
    }

    /** Sweeps the MatMul sizes and thread counts, prints every point and the best; returns the best GFLOP/s. */
    private double measuredPeak(ObjectNode json, OptionalDouble physicalGflops) {
        MatMulPeak.Sweep sweep = MatMulPeak.sweep(settings.matMulSizes(), settings.matMulThreads(),
                settings.secondsPerPoint() / 2);
        MatMulPeak.Point best = sweep.best();
        json.put("matmul_gflops", best.gflops());
        json.set("matmul", matMulJson(sweep));
        out.println("MatMul GFLOP/s by size^3 x intra-op threads: " + sweep.points().stream()
                .map(p -> String.format(Locale.ROOT, "%d^3 x%d %.1f", p.size(), p.threads(), p.gflops()))
                .collect(Collectors.joining(", ")));
        String ofPhysical = physicalGflops.isPresent() ? String.format(Locale.ROOT, " = %.0f%% of the physical peak",
                100 * best.gflops() / physicalGflops.getAsDouble()) : "";
        out.printf(Locale.ROOT, "MatMul peak (measured): %.1f GFLOP/s at %d^3 with %d intra-op threads%s%n%n",
                best.gflops(), best.size(), best.threads(), ofPhysical);
        return best.gflops();
    }

    private static ObjectNode physicalJson(PhysicalPeak peak) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (peak.gflops().isPresent()) {
            json.put("gflops", peak.gflops().getAsDouble());
        } else {
            json.putNull("gflops");
        }
        json.put("cores", peak.cores()).put("fma_units_per_core", peak.fmaUnits()).put("fp32_lanes", peak.lanes());
        if (peak.clockGhz().isPresent()) {
            json.put("clock_ghz", peak.clockGhz().getAsDouble());
        } else {
            json.putNull("clock_ghz");
        }
        json.put("clock_source", peak.clockSource()).put("microarchitecture", peak.microarchitecture());
        json.put("assumption", peak.assumption().orElse(null));
        return json;
    }

    private static ObjectNode matMulJson(MatMulPeak.Sweep sweep) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        MatMulPeak.Point best = sweep.best();
        json.put("best_gflops", best.gflops()).put("size", best.size()).put("threads", best.threads());
        ArrayNode points = json.putArray("sweep");
        sweep.points().forEach(p -> points.addObject().put("size", p.size()).put("threads", p.threads())
                .put("gflops", p.gflops()));
        return json;
    }

    private ObjectNode memory(ModelStore store) throws IOException {
        String architecture = settings.architectures().contains(ModelZoo.C3D_SMALL) ? ModelZoo.C3D_SMALL
                : settings.architectures().get(0);
        InputShape shape = ModelZoo.DEFAULT_INPUT.get(architecture);
        List<byte[]> batch = clips(NetworkPlan.of(ModelZoo.architecture(architecture, shape, classes(architecture))), 1)
                .subList(0, 8);
        ObjectNode memory = JsonNodeFactory.instance.objectNode();
        try (ClipClassifier serving = ClipClassifier.open(new ClassifierOptions(settings.workDir(), architecture, null,
                "cpu", settings.threads(), 1).withPrecision(settings.precision()))) {
            serving.classify(batch, 1);
            long first = residentKiB();
            long peak = first;
            ArrayNode samples = memory.putArray("rss_mib");
            int every = Math.max(1, settings.memoryBatches() / 20);
            for (int i = 1; i <= settings.memoryBatches(); i++) {
                serving.classify(batch, 1);
                if (i % every == 0) {
                    long rss = residentKiB();
                    peak = Math.max(peak, rss);
                    samples.add(rss / 1024);
                }
            }
            long last = residentKiB();
            memory.put("architecture", architecture).put("batches", settings.memoryBatches()).put("batch", 8)
                    .put("rss_start_mib", first / 1024).put("rss_end_mib", last / 1024).put("rss_peak_mib", peak / 1024);
            out.printf(Locale.ROOT, "%nResident memory over %d batches of 8 (%s): start %d MiB, end %d MiB, peak %d MiB%n",
                    settings.memoryBatches(), architecture, first / 1024, last / 1024, peak / 1024);
        }
        return memory;
    }

    /** The architecture's classes: the people actions for a keypoint model, else the motion actions. */
    private static int classes(String architecture) {
        return ModelZoo.POSEC3D_SMALL.equals(architecture) ? PersonAction.values().length
                : clipstream.media.synthetic.MotionAction.values().length;
    }

    /**
     * About {@code perClass} clips of each class as the serving path takes them: generated people's keypoint clips
     * (little-endian float32) for a keypoint model, motion-actions RGB clips otherwise.
     */
    private static List<byte[]> clips(NetworkPlan plan, int perClass) {
        InputShape shape = plan.architecture().input();
        if (plan.architecture().keypointInput()) {
            KeypointDataset people = PeopleDataset.generate(new PoseClipGenerator(PoseClipSettings.DEFAULTS), perClass, 3,
                    DatasetSplit.HELD_OUT);
            return Arrays.stream(people.clips()).map(KeypointClips::toBytes).toList();
        }
        return Arrays.asList(MotionActionsDataset.generate(perClass, shape.frames(), shape.height(), shape.width(), 3)
                .clips());
    }

    private void publish(ModelStore store, String architecture, NetworkPlan plan, Normalization normalization,
                         Map<String, float[]> weights) {
        if (store.current(architecture).isPresent()) {
            return;
        }
        Evaluation none = Evaluation.of(plan.architecture().keypointInput() ? PersonAction.labels()
                : clipstream.media.synthetic.MotionAction.labels(), new int[0], new int[0]);
        ModelStore.StoredModel stored = new TrainingRun(store, TrainingOptions.defaults(), TrainingListener.SILENT)
                .publish(architecture, plan, normalization, weights, none, List.of(),
                        JsonNodeFactory.instance.objectNode().put("purpose", "benchmark (random weights)"), 0, 0);
        store.setCurrent(architecture, stored.manifest().version());
    }

    private double rate(Runnable call, int batch) {
        call.run(); // warm-up: first runs allocate and autotune
        call.run();
        long start = System.nanoTime();
        long deadline = start + (long) (settings.secondsPerPoint() * 1e9);
        int calls = 0;
        do {
            call.run();
            calls++;
        } while (System.nanoTime() < deadline || calls < 3);
        return calls * (double) batch / ((System.nanoTime() - start) / 1e9);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static long residentKiB() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    }
}

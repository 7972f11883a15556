package clipstream.bench;

import clipstream.model.pose.PoseEstimator;
import clipstream.model.runtime.ClassifierOptions;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench pose}: the pose model alone, frame by frame as the job's pose stage would run it: milliseconds per
 * frame at each square input size (letterboxing a 640×480 frame included), and what that means per camera — the
 * share of one core a camera takes at 5, 10 and 15 pose frames per second, and how many cameras this machine's
 * cores hold at each rate (the pose model only: decoding, tracking and the action model come on top).
 */
final class PoseSuite {
    static final int[] POSE_FPS = {5, 10, 15};
    private static final int FRAME_WIDTH = 640;
    private static final int FRAME_HEIGHT = 480;

    record Settings(Path store, String model, List<Integer> sizes, int warmUpFrames, int frames, int threads) {
    }

    record Result(int inputSize, double msPerFrame, double framesPerSecond) {
        /** Share of one core a camera takes at {@code poseFps}, as this run's CPU time per frame says. */
        double coreShare(double cpuMsPerFrame, int poseFps) {
            return cpuMsPerFrame * poseFps / 1000.0;
        }
    }

    private final Settings settings;
    private final Path outDir;
    private final PrintStream out;

    PoseSuite(Settings settings, Path outDir, PrintStream out) {
        this.settings = settings;
        this.outDir = outDir;
        this.out = out;
    }

    ObjectNode run() {
        byte[] frame = syntheticFrame();
        int cores = BenchOptions.cores();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("suite", "pose").put("time", Instant.now().toString()).put("cores", cores)
                .put("load_average_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                .put("model", settings.model()).put("frame", FRAME_WIDTH + "x" + FRAME_HEIGHT)
                .put("frames_per_size", settings.frames()).put("intra_op_threads", settings.threads());
        ArrayNode rows = json.putArray("results");
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-6s %9s %9s %9s", "input", "ms/frame",
                "frames/s", "cpu ms"));
        for (int fps : POSE_FPS) {
            table.append(String.format(Locale.ROOT, " %8s %8s", "core@" + fps, "cams@" + fps));
        }
        table.append('\n');
        double[] sizes = new double[settings.sizes().size()];
        double[] ms = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int size = settings.sizes().get(i);
            try (PoseEstimator estimator = PoseEstimator.open(new ClassifierOptions(settings.store(), settings.model(),
                    null, "cpu", settings.threads(), 1), size)) {
                for (int w = 0; w < settings.warmUpFrames(); w++) {
                    estimator.estimate(frame, FRAME_WIDTH, FRAME_HEIGHT, 0.25f);
                }
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                for (int f = 0; f < settings.frames(); f++) {
                    estimator.estimate(frame, FRAME_WIDTH, FRAME_HEIGHT, 0.25f);
                }
                double wallMs = (System.nanoTime() - start) / 1e6 / settings.frames();
                double cpuMs = (processCpuNanos() - cpuStart) / 1e6 / settings.frames();
                Result result = new Result(size, wallMs, 1000 / wallMs);
                sizes[i] = size;
                ms[i] = wallMs;
                ObjectNode row = rows.addObject().put("input", size).put("ms_per_frame", wallMs)
                        .put("frames_per_s", result.framesPerSecond()).put("cpu_ms_per_frame", cpuMs);
                table.append(String.format(Locale.ROOT, "%-6s %9.1f %9.1f %9.1f", size + "²", wallMs,
                        result.framesPerSecond(), cpuMs));
                for (int fps : POSE_FPS) {
                    double share = result.coreShare(cpuMs, fps);
                    int camerasHeld = (int) Math.floor(cores / share);
                    row.put("core_share_at_" + fps + "_fps", share).put("cameras_at_" + fps + "_fps", camerasHeld);
                    table.append(String.format(Locale.ROOT, " %8.2f %8d", share, camerasHeld));
                }
                table.append('\n');
            }
        }
        out.print(table);
        new LineChart("Pose model (" + settings.model() + "): ms per frame by input size", "input side (pixels)",
                "ms per frame").series("ms/frame", sizes, ms).write(outDir.resolve("pose.png"));
        Path written = Reports.write(json, outDir.resolve("pose.json"));
        out.println("wrote " + written.toAbsolutePath() + " and pose.png");
        return json;
    }

    /** CPU time of this whole process (all threads: TensorFlow's pool included), in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A noisy 640×480 frame: the model's cost does not depend on what it sees. */
    private static byte[] syntheticFrame() {
        byte[] frame = new byte[FRAME_WIDTH * FRAME_HEIGHT * 3];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) random.nextInt(256);
        }
        return frame;
    }

    static List<Integer> validSizes(List<Integer> sizes) {
        List<Integer> valid = new ArrayList<>();
        for (int size : sizes) {
            if (size < 32 || size > 1024 || size % 32 != 0) {
                throw new IllegalArgumentException("--sizes: " + size + " is not a multiple of 32 from 32 to 1024");
            }
            valid.add(size);
        }
        return valid;
    }
}

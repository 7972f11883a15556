package clipstream.bench;

import clipstream.model.runtime.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ./clipstream bench pipeline|latency|ingest|scale|pose|soak|stream}: the end-to-end benchmarks on the
 * embedded stack (a real Kafka broker, a Flink MiniCluster, the job, the model from the store, cameras through the
 * ingest code), and the pose model alone. Each prints a table and writes JSON and a PNG under {@code target/bench/}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "End-to-end benchmarks on the embedded stack; each writes target/bench/<suite>.json (+ .png).",
        subcommands = {BenchCommand.Pipeline.class, BenchCommand.Latency.class, BenchCommand.Scale.class,
            BenchCommand.Ingest.class, BenchCommand.Pose.class, BenchCommand.Soak.class, BenchCommand.Stream.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing suite: pipeline, latency, scale, ingest, pose, soak or stream");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; exit codes: 0 ok, 2 bad usage, 1 a run failed. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("bench: " + e);
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** The job settings every suite takes. */
    static final class JobOptions {
        @Option(names = "--store", defaultValue = "model-store", paramLabel = "DIR", description = "Model store (default: ${DEFAULT-VALUE}).")
        Path store;

        @Option(names = "--model", defaultValue = "c3d-small", description = "Model, its CURRENT version (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--stride", defaultValue = "16", description = "A new clip every N frames (default: ${DEFAULT-VALUE}, the job's).")
        int stride;

        @Option(names = "--batch-size", defaultValue = "8", description = "Clips per model call (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--batch-timeout-ms", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
        long batchTimeoutMs;

        @Option(names = "--intra-op-threads", defaultValue = "0", description = "TensorFlow intra-op threads; 0: all cores (default: ${DEFAULT-VALUE}).")
        int intraOp;

        @Option(names = "--inter-op-threads", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
        int interOp;

        @Option(names = "--thread-spinning", description = "Let TensorFlow's idle pool threads spin-wait (the job's default: off).")
        boolean threadSpinning;

        @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
                description = "The model's arithmetic: fp32 or bf16 (oneDNN mixed precision); the job's default: fp32.")
        String precision;

        @Option(names = "--parallelism", defaultValue = "1", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--checkpoint-ms", defaultValue = "10000", description = "Checkpoint interval (default: ${DEFAULT-VALUE}, the job's).")
        long checkpointMs;

        @Option(names = "--out-of-orderness-ms", defaultValue = "2000", description = "Default: ${DEFAULT-VALUE}, the job's.")
        long outOfOrdernessMs;

        @Option(names = "--drain-timeout", defaultValue = "120", paramLabel = "S", description = "Seconds to wait for the last events (default: ${DEFAULT-VALUE}).")
        long drainTimeout;

        @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
        Path out;

        BenchOptions options() {
            return withCheckpoint(checkpointMs);
        }

        BenchOptions withCheckpoint(long intervalMs) {
            return new BenchOptions(store, model, stride, batchSize, Duration.ofMillis(batchTimeoutMs),
                    intraOp > 0 ? intraOp : BenchOptions.cores(), interOp, threadSpinning, parallelism,
                    Duration.ofMillis(intervalMs), Duration.ofMillis(outOfOrdernessMs), drainTimeout, out,
                    Precision.parse(precision));
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The whole chain vs the bare model: after warm-up drains, rounds of the model alone then the"
                    + " job draining a backlog (capacity), the model alone once more at the end; then paced runs at"
                    + " increasing offered load. Writes pipeline.json (pipeline_efficiency = median over rounds of"
                    + " drain clips/s / mean of the bare-model clips/s around it) and pipeline.png."})
    static final class Pipeline implements Callable<Integer> {
        @Mixin
        JobOptions job;

        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--drain-cameras", defaultValue = "8", description = "Cameras in the backlog (default: ${DEFAULT-VALUE}).")
        int drainCameras;

        @Option(names = "--clips-per-camera", defaultValue = "160", description = "Backlog clips per camera (default: ${DEFAULT-VALUE}).")
        int clipsPerCamera;

        @Option(names = "--fps", defaultValue = "25", description = "Frames per second per camera (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--steps", split = ",", defaultValue = "0.25,0.5,0.75,1.0,1.25",
                description = "Paced offered loads as fractions of the drained capacity (default: ${DEFAULT-VALUE}).")
        List<Double> steps;

        @Option(names = "--warm-up-drains", defaultValue = "2",
                description = "Drains before the measured rounds, not counted: class loading, the JIT (default: ${DEFAULT-VALUE}).")
        int warmUpDrains;

        @Option(names = "--no-warm-up", description = "Measure from the first drain (cold JVM): --warm-up-drains 0.")
        boolean noWarmUp;

        @Option(names = "--no-paced", description = "Only the bare model and the drain: no paced runs.")
        boolean noPaced;

        @Option(names = "--step-seconds", defaultValue = "20", description = "Seconds each paced run sends (default: ${DEFAULT-VALUE}).")
        double stepSeconds;

        @Option(names = "--bare-seconds", defaultValue = "15", description = "Seconds of each bare-model measure (default: ${DEFAULT-VALUE}).")
        double bareSeconds;

        @Option(names = "--rounds", defaultValue = "5",
                description = "Drains, each between two bare-model measures; the efficiency is the median (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            PipelineBenchmark.Sizes sizes = quick
                    ? new PipelineBenchmark.Sizes(2, 3, fps, List.of(0.5), 3, 1, 0, 1)
                    : new PipelineBenchmark.Sizes(drainCameras, clipsPerCamera, fps, noPaced ? List.of() : steps,
                            stepSeconds, bareSeconds, noWarmUp ? 0 : warmUpDrains, rounds);
            new PipelineBenchmark(job.options(), sizes, System.out).run();
            return 0;
        }
    }

    @Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"A stream model clip by clip vs as streams, same weights, in one run: for each stride,"
                    + " rounds of a clip-by-clip backlog drain then a stream drain of the same size; the stream/clip"
                    + " clips/s ratio per round and its median, CPU per clip (by thread), batch sizes, latency from"
                    + " paced runs of both modes, the state per camera. Writes stream.json. The stream model is --model,"
                    + " here c3d-small-stream unless given; --stride does not apply (--strides)."})
    static final class Stream implements Callable<Integer> {
        private static final String DEFAULT_MODEL = "c3d-small-stream";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        JobOptions job;

        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--strides", split = ",", defaultValue = "16,8",
                description = "Strides, each measured in both modes; multiples of the model's chunk that divide its"
                        + " clip (default: ${DEFAULT-VALUE}). The stream model is --model (default: " + DEFAULT_MODEL + ").")
        List<Integer> strides;

        @Option(names = "--cameras", defaultValue = "8", description = "Cameras in each backlog (default: ${DEFAULT-VALUE}).")
        int cameras;

        @Option(names = "--clips-per-camera", defaultValue = "96", description = "Backlog clips per camera, the same in both"
                + " modes (default: ${DEFAULT-VALUE}).")
        int clipsPerCamera;

        @Option(names = "--fps", defaultValue = "25", description = "Frames per second per camera (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--rounds", defaultValue = "3", description = "Clip drain + stream drain pairs per stride; the"
                + " ratio is their median (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--warm-up-drains", defaultValue = "1", description = "Drains of each mode before the first"
                + " stride's rounds, not counted: class loading, the JIT (default: ${DEFAULT-VALUE}).")
        int warmUpDrains;

        @Option(names = "--paced-seconds", defaultValue = "15", description = "Seconds of one paced run per mode and"
                + " stride, for the job's end-to-end latency; 0: none (default: ${DEFAULT-VALUE}).")
        double pacedSeconds;

        @Option(names = "--paced-load", defaultValue = "0.5", description = "The paced runs' offered load, as a share of"
                + " the stride's clip-by-clip drain capacity (default: ${DEFAULT-VALUE}).")
        double pacedLoad;

        @Option(names = "--reference", description = "Also drain the same backlog with --reference-model clip by clip,"
                + " once per stride.")
        boolean reference;

        @Option(names = "--reference-model", defaultValue = "c3d-small", description = "Default: ${DEFAULT-VALUE}.")
        String referenceModel;

        @Override
        public Integer call() throws Exception {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            if (parsed.hasMatchedOption("--stride")) {
                throw new IllegalArgumentException("bench stream measures every stride of --strides; --stride does"
                        + " not apply");
            }
            BenchOptions options = job.options().withModel(parsed.hasMatchedOption("--model") ? job.model : DEFAULT_MODEL);
            StreamBenchmark.Sizes sizes = quick
                    // 5 clips: 64 frames at stride 8, past the 2 s out-of-orderness bound at 25 fps
                    ? new StreamBenchmark.Sizes(strides, 2, 5, fps, 1, 0, pacedLoad, 0, null)
                    : new StreamBenchmark.Sizes(strides, cameras, clipsPerCamera, fps, rounds, warmUpDrains, pacedLoad,
                            pacedSeconds, reference ? referenceModel : null);
            new StreamBenchmark(options, sizes, System.out).run();
            return 0;
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"At one sustainable load (a share of the capacity), the end-to-end latency distribution"
                    + " with at-least-once and with exactly-once delivery (bounded below by the checkpoint interval)."
                    + " Writes latency.json."})
    static final class Latency implements Callable<Integer> {
        @Mixin
        JobOptions job;

        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--capacity", defaultValue = "0", description = "Pipeline capacity in clips/s; 0: from"
                + " <out>/pipeline.json, else a short drain measures it (default: ${DEFAULT-VALUE}).")
        double capacity;

        @Option(names = "--load", defaultValue = "0.5", description = "Share of the capacity offered (default: ${DEFAULT-VALUE}).")
        double load;

        @Option(names = "--cameras", defaultValue = "8", description = "Cameras sharing that load (default: ${DEFAULT-VALUE}).")
        int cameras;

        @Option(names = "--seconds", defaultValue = "40", description = "Seconds each run sends (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(names = "--warm-up-seconds", defaultValue = "20",
                description = "A run at the same load first in each delivery mode, not counted (default: ${DEFAULT-VALUE};"
                        + " 0: none).")
        double warmUpSeconds;

        @Option(names = "--inference", defaultValue = "clips", description = "clips: the model clip by clip; stream: as"
                + " streams, each frame through the network once (a model with a stream mode, e.g. --model"
                + " c3d-small-stream) (default: ${DEFAULT-VALUE}).")
        String inference;

        @Override
        public Integer call() throws Exception {
            PipelineRun.InferenceMode mode = switch (inference) {
                case "clips" -> PipelineRun.InferenceMode.CLIPS;
                case "stream" -> PipelineRun.InferenceMode.STREAM;
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "--inference is clips or stream, not " + inference);
            };
            LatencyBenchmark.Sizes sizes = quick
                    ? new LatencyBenchmark.Sizes(capacity > 0 ? capacity : 8, 0.5, 2, 4, 0, mode)
                    : new LatencyBenchmark.Sizes(capacity, load, cameras, seconds, warmUpSeconds, mode);
            BenchOptions options = job.options();
            if (quick && job.checkpointMs == 10000) {
                options = job.withCheckpoint(1000);
            }
            new LatencyBenchmark(options, sizes, System.out).run();
            return 0;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The whole pipeline for many minutes at a steady real-time load (exactly-once): RSS, heap"
                    + " after GC, direct memory, consumer lag, checkpoint size and duration, events/s over time, and"
                    + " whether RSS and lag stay flat after the warm-up. Writes soak.json and soak.png."})
    static final class Soak implements Callable<Integer> {
        @Mixin
        JobOptions job;

        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--minutes", defaultValue = "30", description = "How long the cameras send (default: ${DEFAULT-VALUE}).")
        double minutes;

        @Option(names = "--cameras", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
        int cameras;

        @Option(names = "--fps", defaultValue = "25", description = "Frames per second per camera (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--warm-up-minutes", defaultValue = "3", description = "Left out of the flatness verdict"
                + " (default: ${DEFAULT-VALUE}).")
        double warmUpMinutes;

        @Option(names = "--sample-seconds", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
        int sampleSeconds;

        @Override
        public Integer call() throws Exception {
            if (minutes <= 0 || cameras < 1 || fps <= 0 || sampleSeconds < 1 || warmUpMinutes < 0) {
                throw new IllegalArgumentException("--minutes, --cameras, --fps and --sample-seconds must be positive");
            }
            SoakBenchmark.Sizes sizes = quick
                    ? new SoakBenchmark.Sizes(2, 10, Duration.ofSeconds(24), Duration.ofSeconds(4), Duration.ofSeconds(4))
                    : new SoakBenchmark.Sizes(cameras, fps, Duration.ofSeconds(Math.round(minutes * 60)),
                            Duration.ofSeconds(Math.round(warmUpMinutes * 60)), Duration.ofSeconds(sampleSeconds));
            BenchOptions options = job.options();
            if (quick && job.checkpointMs == 10000) {
                options = job.withCheckpoint(1000);
            }
            new SoakBenchmark(options, sizes, System.out).run();
            return 0;
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"1, 4, 16, 64 cameras at one frame rate: throughput, latency, CPU per clip, memory and"
                    + " checkpointed state per camera. Writes scale.json and scale.png."})
    static final class Scale implements Callable<Integer> {
        @Mixin
        JobOptions job;

        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--cameras", split = ",", defaultValue = "1,4,16,64", description = "Default: ${DEFAULT-VALUE}.")
        List<Integer> cameras;

        @Option(names = "--fps", defaultValue = "5", description = "Frames per second per camera; 64 cameras must stay"
                + " under the capacity (default: ${DEFAULT-VALUE}).")
        double fps;

        @Option(names = "--seconds", defaultValue = "30", description = "Seconds each run sends (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public Integer call() throws Exception {
            ScaleBenchmark.Sizes sizes = quick ? new ScaleBenchmark.Sizes(List.of(1, 2), 10, 4)
                    : new ScaleBenchmark.Sizes(cameras, fps, seconds);
            BenchOptions options = job.options();
            if (quick && job.checkpointMs == 10000) {
                options = job.withCheckpoint(1000);
            }
            new ScaleBenchmark(options, sizes, System.out).run();
            return 0;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Frames/s and bytes/s through the ingest path into Kafka, 64x64 and 112x112, RGB24 and"
                    + " JPEG; synthetic, and real footage with --video FILE. Writes ingest.json."})
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--frames", defaultValue = "3000", description = "Frames per case (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--sizes", split = ",", defaultValue = "64,112", description = "Square frame sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--video", paramLabel = "FILE", description = "A video file to decode as a second source.")
        Path video;

        @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (video != null && !java.nio.file.Files.isRegularFile(video)) {
                throw new IllegalArgumentException("--video " + video + " is not a file");
            }
            new IngestSuite(new IngestSuite.Sizes(quick ? 100 : frames, sizes, java.util.Optional.ofNullable(video)),
                    out, System.out).run();
            return 0;
        }
    }

    @Command(name = "pose", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The pose model alone on a 640x480 frame at each input size: ms per frame, and the share"
                    + " of a core one camera takes at 5, 10 and 15 pose frames/s. Writes pose.json and pose.png."})
    static final class Pose implements Callable<Integer> {
        @Option(names = "--quick", description = "Tiny sizes: a check that the suite works, not a measurement.")
        boolean quick;

        @Option(names = "--store", defaultValue = "model-store", paramLabel = "DIR", description = "Model store (default: ${DEFAULT-VALUE}).")
        Path store;

        @Option(names = "--model", defaultValue = "movenet-multipose", description = "Pose model, its CURRENT version (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--sizes", split = ",", defaultValue = "192,256,384,512", description = "Square input sizes, multiples of 32 (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--frames", defaultValue = "100", description = "Measured frames per size (default: ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores).")
        Integer threads;

        @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() {
            if (frames < 1) {
                throw new IllegalArgumentException("--frames must be at least 1, got " + frames);
            }
            new PoseSuite(new PoseSuite.Settings(store, model, PoseSuite.validSizes(quick ? List.of(192, 256) : sizes),
                    quick ? 2 : 10, quick ? 3 : frames, threads != null ? threads : BenchOptions.cores()), out,
                    System.out).run();
            return 0;
        }
    }
}

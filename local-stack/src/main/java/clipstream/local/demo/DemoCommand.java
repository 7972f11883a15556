package clipstream.local.demo;

import clipstream.common.metrics.MetricsOptions;
import clipstream.dashboard.DashboardSettings;
import clipstream.job.config.ConfigException;
import clipstream.job.config.PeopleSettings;
import clipstream.model.runtime.Precision;
import clipstream.model.store.ModelStoreException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ./clipstream demo}: the whole pipeline in one process — Kafka, the Flink job with its web UI, cameras,
 * the alerting consumer — then one summary line and {@code summary.json}. Ctrl-C ends it cleanly with the summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole pipeline in this process: a Kafka broker (KRaft, loopback), the streaming job on"
                + " a local Flink cluster (web UI on localhost), synthetic cameras with known ground truth through the"
                + " ingest code, and the alerting consumer printing alerts.",
                "Ends with: frames=... clips=... events=... correct=... alerts=... dead_letters=..."
                        + " p50_latency_ms=... p99_latency_ms=... (with --people: posed_frames=... people_seen=..."
                        + " tracks=... person_events=... person_scorable=... person_correct=..., then per camera its"
                        + " person events, label counts, tracks and each track's labels) and writes --summary (JSON).",
                "Metrics: --metrics-port PORT serves ingest's, the alerting consumer's and the dashboard's metrics"
                        + " for Prometheus at http://127.0.0.1:PORT/metrics, and the job's through Flink's reporter"
                        + " on --flink-metrics-port (PORT+1 by default); both URLs are printed at start (README,"
                        + " section Metrics)."},
        footer = {"", "Exit codes: 0 done, 1 a part of the pipeline failed, 2 bad usage or no model."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--cameras", defaultValue = "4", paramLabel = "N",
            description = "Synthetic cameras; with --people, synthetic people cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--seconds", defaultValue = "60", paramLabel = "S",
            description = "How long the cameras send; 0: until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--source", paramLabel = "FILE|URL",
            description = "Real footage instead of synthetic cameras: a video file, image folder or stream URL"
                    + " (rtsp://, http://...); one camera per --source, files loop. Its events have no ground truth.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--store", defaultValue = "model-store", paramLabel = "DIR",
            description = "Model store (default: ${DEFAULT-VALUE}).")
    Path store;

    @Option(names = "--model", defaultValue = "c3d-small", paramLabel = "NAME",
            description = "Model served, its CURRENT version (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "Arithmetic of the models the job serves (the action model and the people model): fp32"
                    + " (default) or bf16, oneDNN's bfloat16 mixed precision (same weights; fast on CPUs with"
                    + " AVX512-BF16 or AMX, emulated and slower elsewhere).")
    String precision;

    @Option(names = "--frames", paramLabel = "N", description = "Stop each camera after N frames.")
    Long frames;

    @Option(names = "--fps", defaultValue = "25",
            description = "Frames per second per camera; real footage faster than this is resampled to it; synthetic"
                    + " people cameras send poses at the people model's rate instead (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--stride", defaultValue = "0", paramLabel = "N",
            description = "A new clip every N frames; 0: the model's clip length, so clips do not overlap and each"
                    + " shows one synthetic segment (default: ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--checkpoint-ms", defaultValue = "2000", paramLabel = "MS",
            description = "Checkpoint interval: exactly-once events are committed at each, so it bounds latency from"
                    + " below (default: ${DEFAULT-VALUE}).")
    long checkpointMs;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Alert rules (YAML, see alerts/README.md); default: the demo's rules over motion classes.")
    Path rules;

    @Option(names = "--summary", defaultValue = "target/demo/summary.json", paramLabel = "FILE",
            description = "Where the JSON summary goes (default: ${DEFAULT-VALUE}).")
    Path summary;

    @Option(names = "--drain-timeout", defaultValue = "60", paramLabel = "S",
            description = "Seconds to wait at the end for the events of the last frames (default: ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Option(names = "--people", negatable = true,
            description = {"The people path: the job tracks people and says what each one does (--people-model), and"
                    + " the summary counts poses, tracks and person events, per camera and per track. With --source,"
                    + " frames go to Kafka as 512x384 JPEG and the job finds people with --pose-model; without,"
                    + " --cameras synthetic people cameras (2 people each doing known actions) send poses to the"
                    + " edge-poses topic as edge devices do, at the people model's 10 poses/s, and person events are"
                    + " scored against what the people did. Default: on with --source, off otherwise."})
    Boolean people;

    @Option(names = "--pose-model", defaultValue = "movenet-multipose", paramLabel = "NAME",
            description = "Pose model of the people path on real footage (default: ${DEFAULT-VALUE}).")
    String poseModel;

    @Option(names = "--pose-every", defaultValue = "0", paramLabel = "N",
            description = "Real footage: 1 frame in N goes through the pose model; 0: so that the footage's frame rate"
                    + " / N is about the people model's pose rate (10/s), every frame when the rate is unknown"
                    + " (default: ${DEFAULT-VALUE}).")
    int poseEvery;

    @Option(names = "--pose-fps", defaultValue = "0", paramLabel = "F",
            description = "Real footage, instead of --pose-every: each camera's frames go through the pose model F"
                    + " times a second by capture time, whatever its frame rate (the job's --pose-fps); 0: off"
                    + " (default: ${DEFAULT-VALUE}).")
    double poseFps;

    @Option(names = "--pose-input", defaultValue = "" + PeopleSettings.DEFAULT_POSE_INPUT, paramLabel = "PIXELS",
            description = "Real footage: side of the pose model's square input, a multiple of 32, or 0 for the model's"
                    + " own (256 for movenet-multipose); larger finds smaller people, at a higher cost"
                    + " (default: ${DEFAULT-VALUE}).")
    int poseInput;

    @Option(names = "--people-model", defaultValue = "posec3d-small", paramLabel = "NAME|none",
            description = "The keypoint model (its CURRENT version, followed while the demo runs) that says what each"
                    + " tracked person does, clip by clip of 32 pose frames; none: poses and tracks only"
                    + " (default: ${DEFAULT-VALUE}).")
    String peopleModel;

    @Option(names = "--dashboard", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Serve the operator's dashboard (camera grid, labels, health, alerts) and print its URL"
                    + " (default: on).")
    boolean dashboard;

    @Option(names = "--dashboard-port", defaultValue = "" + DashboardSettings.DEFAULT_PORT, paramLabel = "N",
            description = "Port of the dashboard, a free one when it is taken; 0: a free one"
                    + " (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Mixin
    MetricsOptions metricsOptions = new MetricsOptions();

    @Option(names = "--flink-metrics-port", paramLabel = "PORT",
            description = "Port of Flink's Prometheus reporter (the job's metrics, on every interface: the reporter has"
                    + " no address setting) when --metrics-port is given; 0: a free one (default: --metrics-port + 1,"
                    + " a free one when that is 0).")
    Integer flinkMetricsPort;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean interrupted;

    public DemoCommand() {
        this(System.out);
    }

    DemoCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        DemoCommand command = new DemoCommand();
        int code = new CommandLine(command).execute(args);
        if (!command.interrupted) {
            // Flink and Kafka leave daemon-less pools to the JVM's end; everything of ours is closed by now
            System.exit(code);
        }
        // on Ctrl-C the JVM is already exiting: the shutdown hook returns once call() is done
    }

    /**
     * The people path: on when asked, else on for real footage and off for synthetic cameras; {@code peopleModel}
     * {@code none} (any case) labels no person's clips.
     */
    static Optional<DemoSettings.PeoplePath> people(Boolean people, List<String> sources, String poseModel,
                                                    String peopleModel, int poseEvery, int poseInput) {
        if (!(people != null ? people : !sources.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new DemoSettings.PeoplePath(poseModel, peopleModel.equalsIgnoreCase("none")
                ? Optional.empty() : Optional.of(peopleModel), poseEvery, poseInput));
    }

    /**
     * Where the metrics go, when {@code --metrics-port} is given.
     *
     * @throws IllegalArgumentException naming the flag when a port is out of range, or both are the same
     */
    Optional<DemoSettings.MetricsPorts> metricsPorts() {
        if (metricsOptions.port().isEmpty()) {
            if (flinkMetricsPort != null) {
                throw new IllegalArgumentException("--flink-metrics-port needs --metrics-port");
            }
            return Optional.empty();
        }
        int port = metricsOptions.port().getAsInt();
        return Optional.of(flinkMetricsPort == null ? DemoSettings.MetricsPorts.from(metricsOptions.host(), port)
                : new DemoSettings.MetricsPorts(metricsOptions.host(), port, flinkMetricsPort));
    }

    /**
     * {@code --precision}: {@code fp32} or {@code bf16}, either case.
     *
     * @throws IllegalArgumentException naming the flag and its choices for anything else
     */
    static Precision precision(String text) {
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    /**
     * The run's settings from the parsed options.
     *
     * @throws IllegalArgumentException naming the flag when an option is out of range or not one of its choices
     */
    DemoSettings settings() {
        return new DemoSettings(cameras, Duration.ofSeconds(seconds),
                frames == null ? OptionalLong.empty() : OptionalLong.of(frames), sources, store, model, fps, stride,
                Duration.ofMillis(checkpointMs), Optional.ofNullable(rules), summary,
                Duration.ofSeconds(drainSeconds), out,
                people(people, sources, poseModel, peopleModel, poseEvery, poseInput)
                        .map(path -> path.withPoseFps(poseFps)),
                dashboard ? Optional.of(new DemoSettings.DashboardPort(dashboardPort, true)) : Optional.empty(),
                metricsPorts(), precision(precision));
    }

    @Override
    public Integer call() {
        DemoSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("clipstream demo: " + e.getMessage());
            return 2;
        }
        Demo demo = new Demo(settings);
        Thread hook = new Thread(() -> {
            interrupted = true;
            demo.requestStop();
            try {
                finished.await(settings.drainTimeout().plusMinutes(2).toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "clipstream-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DemoSummary result = demo.run();
            out.println(result.line());
            result.peopleLines().forEach(out::println);
            result.write(settings.summaryFile());
            out.println("Summary: " + settings.summaryFile().toAbsolutePath());
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("clipstream demo: " + e.getMessage());
            return 2;
        } catch (ModelStoreException e) {
            spec.commandLine().getErr().println("clipstream demo: " + e.getMessage()
                    + " (--store " + store + ", --model " + model + ")");
            return 2;
        } catch (Exception e) {
            spec.commandLine().getErr().println("clipstream demo failed: " + e.getMessage());
            e.printStackTrace(spec.commandLine().getErr());
            return 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for us
            }
        }
    }
}

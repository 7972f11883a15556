package clipstream.local.demo;

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
                        + " p50_latency_ms=... p99_latency_ms=... and writes --summary (JSON)."},
        footer = {"", "Exit codes: 0 done, 1 a part of the pipeline failed, 2 bad usage or no model."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--cameras", defaultValue = "4", paramLabel = "N",
            description = "Synthetic cameras (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--frames", paramLabel = "N", description = "Stop each camera after N frames.")
    Long frames;

    @Option(names = "--fps", defaultValue = "25", description = "Frames per second per camera (default: ${DEFAULT-VALUE}).")
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
            description = {"The people path: frames go to Kafka as 512x384 JPEG, the job finds people with the pose"
                    + " model and tracks them, and the summary counts poses, people and tracks. Default: on with"
                    + " --source (real footage), off for synthetic cameras (they show no people)."})
    Boolean people;

    @Option(names = "--pose-model", defaultValue = "movenet-multipose", paramLabel = "NAME",
            description = "Pose model of the people path (default: ${DEFAULT-VALUE}).")
    String poseModel;

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

    /** The people path's pose model: on when asked, else on for real footage and off for synthetic cameras. */
    static Optional<String> poseModel(Boolean people, List<String> sources, String poseModel) {
        return (people != null ? people : !sources.isEmpty()) ? Optional.of(poseModel) : Optional.empty();
    }

    @Override
    public Integer call() {
        DemoSettings settings;
        try {
            settings = new DemoSettings(cameras, Duration.ofSeconds(seconds),
                    frames == null ? OptionalLong.empty() : OptionalLong.of(frames), sources, store, model, fps, stride,
                    Duration.ofMillis(checkpointMs), Optional.ofNullable(rules), summary,
                    Duration.ofSeconds(drainSeconds), out,
                    poseModel(people, sources, poseModel));
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
            result.write(settings.summaryFile());
            out.println("Summary: " + settings.summaryFile().toAbsolutePath());
            return 0;
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

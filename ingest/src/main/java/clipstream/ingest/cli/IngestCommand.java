package clipstream.ingest.cli;

import clipstream.common.kafka.TopicReadiness;
import clipstream.common.metrics.MetricsEndpoint;
import clipstream.common.metrics.MetricsOptions;
import clipstream.common.retry.Backoff;
import clipstream.common.time.Durations;
import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.publish.MessageSizeLimit;
import clipstream.ingest.publish.PublishedSeqs;
import clipstream.ingest.publish.TopicLimits;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestMetrics;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.PersonPoses;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code ./clipstream ingest}: cameras (files, streams, image folders, synthetic) to Avro frames on Kafka, and
 * synthetic-people cameras (which run pose estimation themselves) to Avro poses on the edge poses topic.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Reads cameras and publishes their frames to Kafka as Avro Frame records keyed by camera id.",
            "SOURCE: a video file; an rtsp://, http(s)://, tcp://, udp://, srt:// ... FFmpeg URL (live:"
                    + " reconnects when it drops); lavfi:<graph> (FFmpeg test source); a folder of images;"
                    + " synthetic:<class|random>[?seed=N&segment=N] (motion-actions generator with known ground"
                    + " truth); synthetic-people:<action|random>[?people=N&seed=N&segment=N&size=WxH&fps=F] (people"
                    + " moving clip after clip before a camera that runs pose estimation itself: PersonPoses records"
                    + " with known ground truth to --edge-poses-topic, not frames)."},
        footer = {"", "Exit codes: 0 all cameras ended well, 1 a camera failed or Kafka is unreachable, 2 bad usage;"
                + " Ctrl-C flushes what was read, prints the summary and exits 130.",
            "Metrics: --metrics-port PORT serves per-camera counters (frames, dropped, reconnects, encode time) for"
                    + " Prometheus at http://127.0.0.1:PORT/metrics (README, section Metrics).",
            "Example: ./clipstream ingest --bootstrap localhost:9092 --camera lobby=rtsp://10.0.0.7/stream"
                    + " --camera demo=synthetic:random --fps 25"})
public final class IngestCommand implements Callable<Integer> {
    static final int DEFAULT_SIDE = 64;
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    private static final String RESUME = "resume";

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--camera", required = true, paramLabel = "ID=SOURCE",
            description = "A camera (repeat for more; each gets its own thread).")
    List<String> cameras;

    @Option(names = "--topic", defaultValue = "frames", description = "Frames topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--edge-poses-topic", defaultValue = "edge-poses",
            description = "Topic the synthetic-people cameras publish their PersonPoses to: the one the job reads"
                    + " with --people-input edge (default: ${DEFAULT-VALUE}).")
    String edgePosesTopic;

    @Option(names = "--size", paramLabel = "WxH",
            description = "Output frame size (default: the served model's input size from the model store, else 64x64).")
    String size;

    @Option(names = "--model", paramLabel = "NAME",
            description = "Model whose input size is the default --size (default: c3d-small when the store has it).")
    String model;

    @Option(names = "--model-store", paramLabel = "DIR", defaultValue = "model-store",
            description = "Model store folder, holding models/<name>/ (default: ${DEFAULT-VALUE}).")
    Path modelStore;

    @Option(names = "--fps", description = "Target frame rate, resampled by capture time (default: the source's;"
            + " 25 for synthetic cameras and image folders).")
    Double fps;

    @Option(names = "--encoding", defaultValue = "RGB24", paramLabel = "RGB24|JPEG",
            description = "Pixel encoding (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--jpeg-quality", defaultValue = "85", paramLabel = "1-100",
            description = "JPEG quality (default: ${DEFAULT-VALUE}).")
    int jpegQuality;

    @ArgGroup(exclusive = true)
    PacingChoice pacing = new PacingChoice();

    static final class PacingChoice {
        @Option(names = "--realtime", description = "Play recordings at their own speed (default).")
        boolean realtime;

        @Option(names = "--fast", description = {"Play recordings and synthetic cameras as fast as possible.",
                "Capture times are still the media's (start + elapsed media time), so they run ahead of the clock:"
                        + " the job refuses frames more than its --max-clock-skew (5m by default) ahead; give it a"
                        + " larger one for longer recordings."})
        boolean fast;
    }

    @Option(names = "--loop", description = "Play video files and image folders again from the start when they end.")
    boolean loop;

    @Option(names = "--max-frames", paramLabel = "N", description = "Stop each camera after N frames.")
    Long maxFrames;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop each camera after this much capture time (e.g. 30s, 1.5m, 1h, PT90S).")
    String duration;

    @Option(names = "--start-seq", defaultValue = "resume", paramLabel = "resume|auto|N",
            description = {"Seq of each camera's first frame. resume (the default): right after the highest seq"
                    + " the camera has on the topic, read back from the tail of its partition at start, so a"
                    + " restarted ingest continues where Kafka's acknowledged frames stopped (the job dead-letters a"
                    + " seq it has passed as late); a camera with none there starts as with auto.",
                "auto: the start time in epoch microseconds, rounded down to a multiple of 1024: above every seq a"
                    + " run can have reached before (far fewer frames than microseconds), synthetic segments aligned"
                    + " with clips. N: that number, for every camera."})
    String startSeq;

    @Option(names = "--buffer", defaultValue = "64", paramLabel = "FRAMES",
            description = "Frames buffered per camera between reading and Kafka (default: ${DEFAULT-VALUE}).")
    int buffer;

    @Option(names = "--reconnect-attempts", defaultValue = "0", paramLabel = "N",
            description = "Give a dropped live stream up after N failed reconnects (default: 0, never).")
    int reconnectAttempts;

    @Option(names = "--read-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "A network source (live stream, http(s) recording) that sends nothing this long has"
                    + " dropped: a live stream is reconnected, a recording fails (default: ${DEFAULT-VALUE}).")
    String readTimeout;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer setting (repeatable), e.g. max.request.size=4194304.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Option(names = "--progress", defaultValue = "10", paramLabel = "SECONDS",
            description = "Seconds between progress lines on stderr, 0 for none (default: ${DEFAULT-VALUE}).")
    int progressSeconds;

    @Mixin
    MetricsOptions metrics = new MetricsOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<CameraSpec> cameraSpecs;
        IngestSettings settings;
        Properties producerProps;
        try {
            cameraSpecs = cameras.stream().map(CameraSpec::parse).toList();
            CameraSpec.requireUniqueIds(cameraSpecs);
            settings = settings();
            producerProps = FrameProducers.properties(bootstrap, producerProperties);
            metrics.validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        MessageSizeLimit limit;
        boolean poses = cameraSpecs.stream().anyMatch(c -> c.source() instanceof SourceSpec.SyntheticPeople);
        boolean frames = cameraSpecs.stream().anyMatch(c -> !(c.source() instanceof SourceSpec.SyntheticPeople));
        try (Admin admin = TopicLimits.admin(producerProps, KAFKA_TIMEOUT)) {
            limit = TopicLimits.forTopic(admin, producerProps, topic, KAFKA_TIMEOUT);
            List<String> topics = new ArrayList<>();
            if (frames) {
                topics.add(topic);
            }
            if (poses) {
                topics.add(edgePosesTopic);
            }
            for (String used : topics) {
                if (TopicReadiness.await(admin, List.of(used), KAFKA_TIMEOUT) == TopicReadiness.State.MISSING) {
                    err.println("clipstream ingest: topic '" + used + "' does not exist; it is created on the first"
                            + " write only where the brokers allow auto-creation (create it first: see README)");
                }
            }
        } catch (IllegalStateException | java.util.concurrent.TimeoutException e) {
            err.println("clipstream ingest: " + e.getMessage());
            err.flush();
            return 1;
        }
        settings = settings.withSizeLimit(limit);
        producerProps = FrameProducers.fitBatchesTo(producerProps, limit);
        err.printf(Locale.ROOT, "clipstream ingest: %d camera(s) -> %s topic '%s', %dx%d %s, %s%n", cameraSpecs.size(),
                bootstrap, topic, settings.width(), settings.height(), settings.encoding(),
                settings.pacing() == Pacing.FAST ? "as fast as possible" : "real time");
        if (poses) {
            err.printf("clipstream ingest: synthetic-people cameras' poses -> topic '%s'%n", edgePosesTopic);
        }

        try (KafkaProducer<String, Frame> producer = frames ? FrameProducers.create(producerProps) : null;
             KafkaProducer<String, PersonPoses> posesProducer = poses
                     ? FrameProducers.createForPoses(producerProps) : null) {
            IngestRunner runner = new IngestRunner(settings, cameraSpecs, producer, posesProducer,
                    new PublishedSeqs(producerProps, KAFKA_TIMEOUT), err, Duration.ofSeconds(progressSeconds));
            PrometheusRegistry registry = new PrometheusRegistry();
            IngestMetrics.register(registry, runner::stats);
            Optional<MetricsEndpoint> endpoint;
            try {
                endpoint = metrics.start(registry);
            } catch (UncheckedIOException e) {
                err.println("clipstream ingest: " + e.getMessage());
                return 1;
            }
            endpoint.ifPresent(e -> err.println("clipstream ingest: metrics at " + e.uri()));
            CountDownLatch reported = new CountDownLatch(1);
            Thread onCtrlC = new Thread(() -> {
                runner.stop();
                try {
                    // keep the JVM alive until the main thread has flushed and printed the summary
                    reported.await(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ingest-shutdown");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try {
                try {
                    runner.start();
                } catch (IllegalStateException e) {
                    err.println("clipstream ingest: " + e.getMessage());
                    return 1;
                }
                IngestSummary summary = runner.awaitSummary();
                err.print(summary.render());
                err.flush();
                return summary.anyFailed() ? 1 : 0;
            } finally {
                endpoint.ifPresent(MetricsEndpoint::close);
                reported.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for us
                }
            }
        }
    }

    /**
     * The first seq for {@code --start-seq}: a number, or for {@code auto} (and for {@code resume}, where a camera
     * has no seq on the topic) the epoch microseconds of {@code now} rounded down to a multiple of 1024. Every run
     * then starts above all seqs of any earlier run: a run that began T µs earlier sent far fewer than T frames.
     */
    static long startSeq(String value, java.time.Instant now) {
        String choice = value.strip();
        if ("auto".equalsIgnoreCase(choice) || RESUME.equalsIgnoreCase(choice)) {
            long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
            return micros & ~1023L;
        }
        try {
            return Long.parseLong(choice);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--start-seq must be resume, auto or a number >= 0, got '" + value
                    + "'");
        }
    }

    IngestSettings settings() {
        int[] wh = size != null ? parseSize(size) : defaultSize();
        IngestSettings settings = IngestSettings.defaults(topic, wh[0], wh[1])
                .withPosesTopic(edgePosesTopic)
                .withEncoding(parseEncoding(encoding), jpegQuality / 100f)
                .withPacing(pacing.fast ? Pacing.FAST : Pacing.REALTIME)
                .withLoop(loop)
                .withStartSeq(startSeq(startSeq, java.time.Instant.now()))
                .withResumeSeq(RESUME.equalsIgnoreCase(startSeq.strip()))
                .withBufferFrames(buffer)
                .withReconnect(new Backoff(Backoff.DEFAULT.initial(), Backoff.DEFAULT.max(), reconnectAttempts),
                        Durations.parse(readTimeout, "--read-timeout"));
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("--jpeg-quality must be 1-100, got " + jpegQuality);
        }
        if (progressSeconds < 0) {
            throw new IllegalArgumentException("--progress must be >= 0 seconds, got " + progressSeconds);
        }
        if (fps != null) {
            settings = settings.withFps(fps);
        }
        if (maxFrames != null) {
            settings = settings.withMaxFrames(maxFrames);
        }
        if (duration != null) {
            settings = settings.withDuration(Durations.parse(duration, "--duration"));
        }
        return settings;
    }

    private int[] defaultSize() {
        return ModelInputSize.lookup(modelStore, model != null ? model : ModelInputSize.DEFAULT_MODEL)
                .map(found -> new int[] {found.width(), found.height()})
                .orElseGet(() -> {
                    if (model != null) {
                        throw new IllegalArgumentException("No input shape found for model '" + model + "' in "
                                + modelStore + ": give --size WxH");
                    }
                    return new int[] {DEFAULT_SIDE, DEFAULT_SIDE};
                });
    }

    static int[] parseSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip());
                int h = Integer.parseInt(parts[1].strip());
                if (w > 0 && h > 0 && w <= 8192 && h <= 8192) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("--size must be WxH with 1-8192 pixels each, e.g. 112x112; got '" + text
                + "'");
    }

    static FrameEncoding parseEncoding(String text) {
        try {
            return FrameEncoding.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--encoding must be RGB24 or JPEG, got '" + text + "'", e);
        }
    }
}

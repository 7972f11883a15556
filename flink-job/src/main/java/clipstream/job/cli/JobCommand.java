package clipstream.job.cli;

import clipstream.common.time.DurationConverter;
import clipstream.job.ClipstreamJob;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.ConfigException;
import clipstream.model.runtime.Precision;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleInput;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.PersonActionSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.inference.StoreStreamClassifier;
import clipstream.job.runtime.JobMetricsReporter;
import clipstream.job.runtime.TemporaryCheckpoints;
import clipstream.job.sink.TransactionTimeoutCheck;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code clipstream job}: runs the streaming job. Started with plain {@code java} (or {@code ./clipstream job})
 * it runs in-process on a local MiniCluster; submitted with {@code flink run} the same main class runs on that
 * cluster. Settings come from flags, then an optional properties file ({@code --config}, keys are flag names
 * without the dashes), then the defaults; {@code --kafka.NAME=VALUE} passes any Kafka client property through.
 */
@Command(name = "job", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Reads frames from Kafka, assembles per-camera clips, classifies them with the model and "
                + "writes labelled clip events (and dead letters) back to Kafka.",
        footer = {"", "Kafka client properties: --kafka.NAME=VALUE (e.g. --kafka.security.protocol=SASL_SSL).",
                "Durations: 500ms, 30s, 15m, 1h or PT30S.",
                "Metrics: --metrics-port PORT exports the job's metrics (clips, frames filled, late and duplicate, dead"
                        + " letters by reason, batch sizes, latency per stage) for Prometheus at"
                        + " http://127.0.0.1:PORT/metrics through Flink's Prometheus reporter; on a cluster its"
                        + " config.yaml sets the reporter instead (README, section Metrics)."})
public final class JobCommand implements Callable<Integer> {
    /** How often a job that serves the store's CURRENT re-reads it, unless --model-watch says otherwise. */
    static final Duration DEFAULT_MODEL_WATCH = Duration.ofSeconds(10);

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with settings (keys: flag names without '--'); flags win.")
    Path configFile;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;
    @Option(names = "--frames-topic", defaultValue = "frames", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String framesTopic;
    @Option(names = "--events-topic", defaultValue = "clip-events", description = "Output topic (default: ${DEFAULT-VALUE}).")
    String eventsTopic;
    @Option(names = "--dlq-topic", defaultValue = "frames-dlq", description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
    String dlqTopic;
    @Option(names = "--group", defaultValue = "clipstream-job", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;
    @Option(names = "--delivery", defaultValue = "exactly-once", paramLabel = "exactly-once|at-least-once",
            description = "Delivery guarantee of the sinks (default: ${DEFAULT-VALUE}).")
    String delivery;
    @Option(names = "--transactional-id-prefix", defaultValue = "clipstream",
            description = "Prefix of the sinks' Kafka transactional ids; unique per job (default: ${DEFAULT-VALUE}).")
    String transactionalIdPrefix;
    @Option(names = "--transaction-timeout", defaultValue = "15m", converter = DurationConverter.class,
            description = "Kafka transaction timeout; at most the brokers' transaction.max.timeout.ms (default: ${DEFAULT-VALUE}).")
    Duration transactionTimeout;

    @Option(names = "--clip-length", defaultValue = "0",
            description = "Frames per clip; 0: the model's (default: ${DEFAULT-VALUE}).")
    int clipLength;
    @Option(names = "--stride", defaultValue = "16", description = "A new clip every N frames (default: ${DEFAULT-VALUE}).")
    int stride;
    @Option(names = "--max-gap", defaultValue = "4",
            description = "Missing frames filled by repeating the previous one; longer gaps restart the clip (default: ${DEFAULT-VALUE}).")
    int maxGap;
    @Option(names = "--out-of-orderness", defaultValue = "2s", converter = DurationConverter.class,
            description = "How far out of capture-time order frames may arrive (default: ${DEFAULT-VALUE}).")
    Duration outOfOrderness;
    @Option(names = "--source-idleness", defaultValue = "5s", converter = DurationConverter.class,
            description = "A partition silent this long stops holding back event time (default: ${DEFAULT-VALUE}).")
    Duration sourceIdleness;
    @Option(names = "--idle-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "A camera silent this long loses its partial clip and state (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;
    @Option(names = "--max-frame-bytes", defaultValue = "8388608",
            description = "Largest frame accepted, encoded or decoded (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;
    @Option(names = "--max-frame-age", defaultValue = "24h", converter = DurationConverter.class,
            description = "Frames captured longer ago than this (by the job's clock) are dead-lettered and never"
                    + " move event time; raise it to replay older recordings (default: ${DEFAULT-VALUE}).")
    Duration maxFrameAge;
    @Option(names = "--max-clock-skew", defaultValue = "5m", converter = DurationConverter.class,
            description = "Frames captured further ahead of the job's clock than this are dead-lettered and never"
                    + " move event time (default: ${DEFAULT-VALUE}).")
    Duration maxClockSkew;
    @Option(names = "--max-cameras", defaultValue = "1024",
            description = "Cameras one clip-assembler (or people-tracking) subtask holds state for; frames or poses of"
                    + " a further camera are dead-lettered (OVER_CAPACITY) until one goes idle (default: ${DEFAULT-VALUE}).")
    int maxCameras;
    @Option(names = "--max-pending-frames", defaultValue = "64",
            description = "Frames one camera keeps waiting for the watermark; beyond it the lowest seqs are used at"
                    + " once (default: ${DEFAULT-VALUE}).")
    int maxPendingFrames;

    @Option(names = "--seq-restart", defaultValue = "" + ClipSettings.DEFAULT_SEQ_RESTART, paramLabel = "FRAMES",
            description = "A camera whose seq goes back more than this has started its stream over (a restarted"
                    + " camera or ingest): its partial clip is dropped and it goes on from the new seq; a smaller"
                    + " step back is a late frame (default: ${DEFAULT-VALUE}).")
    int seqRestart;

    @Option(names = "--model-store", defaultValue = "model-store", description = "Model store folder (default: ${DEFAULT-VALUE}).")
    String modelStore;
    @Option(names = "--model", defaultValue = "c3d-small", description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--model-version", description = "Model version, served for the job's life (default: the store's"
            + " CURRENT, followed while the job runs: see --model-watch).")
    String modelVersion;
    @Option(names = "--inference", defaultValue = "auto", paramLabel = "auto|stream|clips",
            description = "stream: each camera's frames through the model's stream mode once, its state kept per"
                    + " camera (a model with a stream mode, e.g. c3d-small-stream; the stride must divide the clip and"
                    + " be a multiple of the model's chunk); clips: clip by clip, every frame computed once per clip"
                    + " it is in; auto: stream where the model and stride allow it (default: ${DEFAULT-VALUE}).")
    String inference;
    @Option(names = "--model-watch", converter = DurationConverter.class,
            description = "Without --model-version: how often each task re-reads the store's CURRENT and switches to a"
                    + " new version (checksums, input shape and a test clip checked first; a bad version is refused);"
                    + " 0: never (default: 10s).")
    Duration modelWatch;
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N", description = "Where the model runs (default: ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--intra-op-threads", defaultValue = "0", description = "TensorFlow intra-op threads; 0: all cores (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;
    @Option(names = "--inter-op-threads", defaultValue = "0", description = "TensorFlow inter-op threads; 0: one (default: ${DEFAULT-VALUE}).")
    int interOpThreads;
    @Option(names = "--thread-spinning",
            description = "Let TensorFlow's idle pool threads spin-wait for work (off by default: they would take CPU"
                    + " from the Kafka and Flink threads sharing the cores; on only where the model has its cores to itself).")
    boolean threadSpinning;
    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "Arithmetic of the action models: fp32 (default) or bf16, oneDNN's bfloat16 mixed precision"
                    + " (same weights; fast on CPUs with AVX512-BF16 or AMX, emulated and slower elsewhere).")
    String precision;
    @Option(names = "--top-k", defaultValue = "3", description = "Labels kept per event (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--batch-size", defaultValue = "8", description = "Clips per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--batch-timeout-ms", defaultValue = "100",
            description = "While the model is busy, a partial batch runs at the latest this long after its first"
                    + " clip; an idle model takes what waits at once (default: ${DEFAULT-VALUE}).")
    long batchTimeoutMs;

    @Option(names = "--parallelism", defaultValue = "0", description = "Job parallelism; 0: the environment's (default: ${DEFAULT-VALUE}).")
    int parallelism;
    @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "Checkpoint interval; exactly-once events are committed at each (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;
    @Option(names = "--checkpoint-dir", description = "Checkpoint storage URI, e.g. file:///var/clipstream/checkpoints (default: in memory).")
    String checkpointDir;

    @Option(names = "--people-input", defaultValue = "frames", paramLabel = "frames|edge",
            description = "Where the people path's poses come from: frames (the job runs --pose-model on the frames;"
                    + " the path is off without it) or edge (PersonPoses records that cameras or edge boxes running"
                    + " pose estimation publish on --edge-poses-topic, validated and tracked like the pose model's;"
                    + " no pose model runs) (default: ${DEFAULT-VALUE}).")
    String peopleInput;

    @Option(names = "--edge-poses-topic", defaultValue = "edge-poses",
            description = "Topic of the edge devices' PersonPoses records, read with --people-input edge; never the"
                    + " --poses-topic the job writes (default: ${DEFAULT-VALUE}).")
    String edgePosesTopic;

    @Option(names = "--pose-model", paramLabel = "NAME",
            description = "Turn the people path on frames on with this pose model from the store (e.g."
                    + " movenet-multipose): people and their tracks per camera go to --poses-topic (default: off).")
    String poseModel;

    @Option(names = "--pose-model-version", paramLabel = "VERSION", description = "Pose model version (default: its CURRENT).")
    String poseModelVersion;

    @Option(names = "--pose-input", defaultValue = "" + PeopleSettings.DEFAULT_POSE_INPUT, paramLabel = "PIXELS",
            description = "Side of the pose model's square input, a multiple of 32, or 0 for the model's own (256 for"
                    + " movenet-multipose); larger finds smaller people, at a higher cost. On real CCTV (people 60-130"
                    + " px tall in 768x576) 384 finds 4.1 people a frame where 256 finds 0.7 (model-store/README.md)"
                    + " (default: ${DEFAULT-VALUE}).")
    int poseInput;

    @Option(names = "--pose-every", paramLabel = "N",
            description = "Pose the frames whose seq is a multiple of N: 3 gives 8.3 poses/s from a 25 fps camera, near"
                    + " the 10 poses/s the people model was trained at; stateless, so suited to cameras of one known"
                    + " frame rate (default: " + PeopleSettings.DEFAULT_POSE_EVERY + " unless --pose-fps is given).")
    Integer poseEvery;

    @Option(names = "--pose-fps", paramLabel = "F",
            description = "Instead of --pose-every: pose each camera's frames F times a second by capture time,"
                    + " whatever its frame rate (the first frame of each 1/F s; every frame of a camera slower than"
                    + " F); chosen per camera in checkpointed state, so a replay poses the same frames. 10 matches the"
                    + " people model posec3d-small (default: off).")
    Double poseFps;

    @Option(names = "--min-person-score", defaultValue = "" + PeopleSettings.DEFAULT_MIN_PERSON_SCORE,
            description = "Lowest detection score a person is reported with (default: ${DEFAULT-VALUE}).")
    float minPersonScore;

    @Option(names = "--min-keypoint-score", defaultValue = "0", paramLabel = "S",
            description = "Keypoints the pose model scores below S are reported lost (score 0) on the poses topic and"
                    + " to the tracking and the people model; 0 keeps every score (default: ${DEFAULT-VALUE}).")
    float minKeypointScore;

    @Option(names = "--max-tracks", defaultValue = "16", description = "Person tracks per camera at most (default: ${DEFAULT-VALUE}).")
    int maxTracks;

    @Option(names = "--poses-topic", defaultValue = "poses",
            description = "Topic of the tracked person poses the job writes, whichever --people-input (default: ${DEFAULT-VALUE}).")
    String posesTopic;

    @Option(names = "--people-model", defaultValue = "posec3d-small", paramLabel = "NAME|none",
            description = "With the people path: the keypoint model (from the store) that says what each tracked person"
                    + " does, clip by clip; their events, with the person's track and box, go to the events topic"
                    + " beside the whole-frame clips' (none: poses and tracks only) (default: ${DEFAULT-VALUE}).")
    String peopleModel;

    @Option(names = "--people-model-version", paramLabel = "VERSION",
            description = "People model version (default: its CURRENT, followed like the action model's).")
    String peopleModelVersion;

    @Option(names = "--person-clip-stride", defaultValue = "" + PersonActionSettings.DEFAULT_STRIDE, paramLabel = "N",
            description = "Pose frames between the starts of one person's consecutive clips; clips have the people"
                    + " model's length (32 pose frames for posec3d-small, trained at 10 poses/s: --pose-fps 10, or"
                    + " --pose-every N with a camera's frame rate / N about 10) (default: ${DEFAULT-VALUE}).")
    int personClipStride;

    @Option(names = "--person-max-gap", defaultValue = "" + PersonActionSettings.DEFAULT_MAX_GAP, paramLabel = "N",
            description = "Pose frames in a row a tracked person may be missing from their clip (filled as lost);"
                    + " more ends the unfinished clip, which is dropped (default: ${DEFAULT-VALUE}).")
    int personMaxGap;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Local runs: serve the job's metrics for Prometheus at http://HOST:PORT/metrics on every"
                    + " interface (Flink's reporter has no address setting); 0: a free port, printed at start;"
                    + " under flink run the cluster's own reporter settings apply (default: off).")
    Integer metricsPort;

    @Option(names = "--dry-run", description = "Validate the settings and the model, print the job graph, and exit.")
    boolean dryRun;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Kafka client properties read from the --config file, before flags override them. */
    private final Map<String, String> fileKafkaProperties = new LinkedHashMap<>();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses and runs; returns the exit code (2 for a bad setting, with a message naming it). */
    static int run(String... args) {
        CommandLine cli;
        try {
            cli = commandLine(args);
        } catch (ConfigException e) {
            System.err.println("clipstream job: " + e.getMessage());
            return 2;
        }
        return cli.execute(args);
    }

    /**
     * The command line, its defaults backed by the {@code --config} file when {@code args} name one: keys are
     * flag names without the dashes ({@code batch-size=16}), {@code kafka.*} keys are client properties.
     */
    static CommandLine commandLine(String... args) {
        JobCommand command = new JobCommand();
        CommandLine cli = new CommandLine(command);
        Path file = configFileIn(args);
        if (file != null) {
            Properties properties = load(file);
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith("kafka.")) {
                    command.fileKafkaProperties.put(key.substring("kafka.".length()), properties.getProperty(key));
                } else if (cli.getCommandSpec().findOption("--" + key) == null || key.equals("config")) {
                    throw new ConfigException("unknown setting '" + key + "' in " + file
                            + " (keys are flag names without '--', or kafka.NAME for Kafka client properties)");
                }
            }
            cli.setDefaultValueProvider(arg -> arg instanceof OptionSpec option
                    ? properties.getProperty(option.longestName().substring(2)) : null);
        }
        return cli;
    }

    private static Path configFileIn(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read --config " + file + ": " + e.getMessage());
        }
        return properties;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try {
            JobConfig config = config();
            ModelManifest manifest = new ModelStore(Path.of(config.model().storeRoot()))
                    .describe(config.model().name(), config.model().version()).manifest();
            if (manifest.channels() != 3) {
                throw new ConfigException("--model " + manifest.name() + " takes " + manifest.channels()
                        + "-channel frames; the job feeds RGB (3 channels)");
            }
            config = config.withModel(config.model().withVersion(manifest.version()))
                    .withClips(config.clips().forModelClipLength(manifest.frames()));
            FrameSize frameSize = new FrameSize(manifest.width(), manifest.height());
            ClipstreamJob job = job(config, frameSize);
            String streaming = streamInference(manifest, config, inference);
            if (streaming != null) {
                job.withStreamInference(new StoreStreamClassifier(config.model()));
            }
            PeopleSettings people = people(config);
            PersonActionSettings personActions = null;
            if (people != null) {
                job.withPeopleOnKafka(people);
                personActions = personActions(config);
                if (personActions != null) {
                    job.withPersonActionsFromStore(personActions);
                }
            }
            StreamExecutionEnvironment env = environment(config);
            if (dryRun) {
                job.configure(env);
                job.build(env);
                spec.commandLine().getOut().println(env.getExecutionPlan());
                return 0;
            }
            TransactionTimeoutCheck.verify(config.kafka(), Duration.ofSeconds(30));
            spec.commandLine().getOut().printf("clipstream job: %s version %s (%s), clips of %d frames at %s, stride %d,"
                            + " %s -> %s (dead letters: %s), %s%n", manifest.name(), manifest.version(),
                    config.model().followsCurrent()
                            ? "following the store's CURRENT every " + config.model().currentWatch().toMillis() + " ms"
                            : "pinned",
                    config.clips().clipLength(), frameSize, config.clips().stride(), config.kafka().framesTopic(),
                    config.kafka().eventsTopic(), config.kafka().deadLetterTopic(), delivery);
            if (streaming != null) {
                spec.commandLine().getOut().println("clipstream job: " + streaming);
            }
            if (people != null && people.input() == PeopleInput.EDGE) {
                spec.commandLine().getOut().printf("clipstream job: people path on: edge devices' poses from %s,"
                        + " tracked poses -> %s%n", people.edgePosesTopic(), people.posesTopic());
            } else if (people != null) {
                spec.commandLine().getOut().printf("clipstream job: people path on: %s version %s, %s,"
                        + " poses -> %s%n", people.poseModel(), people.poseVersion(), people.posesByTime()
                                ? people.poseFps() + " frames a second per camera" : "every " + people.poseEvery()
                                + "-th frame", people.posesTopic());
            }
            if (personActions != null) {
                spec.commandLine().getOut().printf("clipstream job: people model %s version %s: clips of %d pose"
                                + " frames per person, stride %d -> %s%n", personActions.model().name(),
                        personActions.model().version(), personActions.clipLength(), personActions.stride(),
                        config.kafka().eventsTopic());
            }
            job.execute(env);
            return 0;
        } catch (ConfigException e) {
            err.println("clipstream job: " + e.getMessage());
            return 2;
        } catch (clipstream.model.store.ModelStoreException e) {
            err.println("clipstream job: model " + model + " in " + modelStore + " (--model, --model-version,"
                    + " --model-store): " + e.getMessage());
            return 2;
        }
    }

    /**
     * The people model's settings (same store, device, threads and watch as the action model), its version resolved
     * and its clip length read from its manifest; null with {@code --people-model none}.
     */
    PersonActionSettings personActions(JobConfig config) {
        if (peopleModel == null || peopleModel.equalsIgnoreCase("none")) {
            return null;
        }
        ModelManifest manifest = new ModelStore(Path.of(config.model().storeRoot()))
                .describe(peopleModel, peopleModelVersion).manifest();
        if (!manifest.input().isKeypoints()) {
            throw new ConfigException("--people-model " + peopleModel + " does not take keypoint clips (its input is "
                    + manifest.input().shape() + " " + manifest.input().layout() + "); train one with ./clipstream model"
                    + " train posec3d-small, or give --people-model none");
        }
        ModelSettings action = config.model();
        ModelSettings model = new ModelSettings(action.storeRoot(), peopleModel, manifest.version(), action.device(),
                action.intraOpThreads(), action.interOpThreads(), action.topK(),
                peopleModelVersion != null ? Duration.ZERO : action.currentWatch(), action.threadSpinning(),
                action.precision());
        return new PersonActionSettings(model, manifest.frames(), personClipStride, personMaxGap);
    }

    /**
     * The people path's settings: on edge devices' poses with {@code --people-input edge}; on frames with the pose
     * model's version resolved when {@code --pose-model} is given; else null (off).
     */
    PeopleSettings people(JobConfig config) {
        if (PeopleInput.parse(peopleInput) == PeopleInput.EDGE) {
            if (poseModel != null) {
                throw new ConfigException("--pose-model " + poseModel + " is for --people-input frames: with"
                        + " --people-input edge the edge devices run pose estimation and the job runs no pose model");
            }
            return PeopleSettings.edge(edgePosesTopic, maxTracks, posesTopic, config.clips().idleTimeout());
        }
        if (poseModel == null) {
            return null;
        }
        ModelManifest pose = new ModelStore(Path.of(config.model().storeRoot()))
                .describe(poseModel, poseModelVersion).manifest();
        if (!pose.isPose()) {
            throw new ConfigException("--pose-model " + poseModel + " is not a pose model (its manifest's kind is "
                    + (pose.kind() == null ? "action" : pose.kind()) + "); import one with ./clipstream model import-tfjs");
        }
        if (poseFps != null && poseEvery != null) {
            throw new ConfigException("--pose-fps and --pose-every are mutually exclusive (got --pose-fps " + poseFps
                    + " and --pose-every " + poseEvery + "): --pose-fps F poses each camera's frames F times a second"
                    + " by capture time, --pose-every N the frames whose seq is a multiple of N; give one");
        }
        PeopleSettings settings = PeopleSettings.of(poseModel, pose.version(), poseInput,
                poseEvery != null ? poseEvery : PeopleSettings.DEFAULT_POSE_EVERY, minPersonScore, maxTracks,
                posesTopic, config.clips().idleTimeout()).withMinKeypointScore(minKeypointScore);
        return poseFps != null ? settings.withPoseFps(poseFps) : settings;
    }

    /**
     * Whether the job classifies as streams ({@code inference}: auto, stream or clips, as --inference; and what the
     * model and stride allow): what to print when it does, null when it classifies clip by clip.
     *
     * @throws ConfigException when --inference stream is asked of a model or stride that cannot stream
     */
    public static String streamInference(ModelManifest manifest, JobConfig config, String inference) {
        String mode = inference == null ? "auto" : inference.trim().toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("stream") && !mode.equals("clips")) {
            throw new ConfigException("--inference must be auto, stream or clips, got '" + inference + "'");
        }
        if (mode.equals("clips")) {
            return null;
        }
        String problem = !manifest.isStream() ? manifest.name() + " version " + manifest.version() + " has no stream"
                + " mode (train a stream architecture such as c3d-small-stream)"
                : config.clips().stride() % manifest.stream().chunkMultiple() != 0
                        ? manifest.name() + " streams chunks of a multiple of " + manifest.stream().chunkMultiple()
                                + " frames; --stride " + config.clips().stride() + " is not one"
                        : ClipstreamJob.streamProblem(config.clips());
        if (problem != null) {
            if (mode.equals("stream")) {
                throw new ConfigException("--inference stream: " + problem);
            }
            return null;
        }
        return String.format(java.util.Locale.ROOT, "classifying as streams: chunks of %d frames, each frame through"
                        + " the model once (%d state floats per camera)%s", config.clips().stride(),
                manifest.stream().stateFloats(), config.model().followsCurrent()
                        ? "; the version is fixed for the job's life (a camera's state belongs to it)" : "");
    }

    static ClipstreamJob job(JobConfig config, FrameSize frameSize) {
        return ClipstreamJob.onKafka(config, frameSize);
    }

    /**
     * The environment: under {@code flink run}, the cluster's (checkpoints where {@code --checkpoint-dir} or the
     * cluster's configuration says); otherwise a local MiniCluster with one slot per parallel task, its checkpoints
     * in {@code --checkpoint-dir} or a temporary folder removed when the JVM exits (never the JobManager's memory:
     * clip state outgrows its 5 MiB limit at about a dozen cameras).
     */
    private StreamExecutionEnvironment environment(JobConfig config) {
        Configuration flink = new Configuration();
        var runtime = config.runtime();
        if (runtime.parallelism() > 0) {
            flink.set(TaskManagerOptions.NUM_TASK_SLOTS, runtime.parallelism());
        }
        if (runtime.checkpointDir() != null) {
            flink.addAll(ClipstreamJob.checkpointStorage(runtime.checkpointDir()));
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
            throw new ConfigException("--metrics-port must be 0-65535 (0: a free port), got " + metricsPort);
        }
        int reporterPort = metricsPort == null ? -1 : metricsPort == 0 ? freePort() : metricsPort;
        if (reporterPort >= 0) {
            flink.addAll(JobMetricsReporter.prometheus(reporterPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        if (reporterPort >= 0) {
            spec.commandLine().getOut().println(env instanceof LocalStreamEnvironment
                    ? "clipstream job: metrics at http://127.0.0.1:" + reporterPort + "/metrics"
                    : "clipstream job: --metrics-port applies to local runs; the cluster's config.yaml sets its"
                            + " metrics reporter (metrics.reporter." + JobMetricsReporter.NAME + ".*)");
        }
        if (runtime.checkpointDir() == null && env instanceof LocalStreamEnvironment) {
            Path folder = TemporaryCheckpoints.create();
            spec.commandLine().getOut().println("clipstream job: checkpoints in " + folder
                    + " (removed on exit; --checkpoint-dir keeps them)");
            env.configure(ClipstreamJob.checkpointStorage(folder.toUri().toString()));
        }
        return env;
    }

    /** A port free now on every interface, where Flink's reporter listens (--metrics-port 0). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ConfigException("--metrics-port 0: no free port found (" + e.getMessage() + "); give a port");
        }
    }

    /** Builds and validates the configuration from flags, file and defaults. */
    JobConfig config() {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new ConfigException("--bootstrap is required (Kafka bootstrap servers, HOST:PORT[,...])");
        }
        Map<String, String> kafkaProperties = new LinkedHashMap<>(fileKafkaProperties);
        kafkaProperties.putAll(passthrough(unmatched));
        KafkaSettings kafka = new KafkaSettings(bootstrap, framesTopic, eventsTopic, dlqTopic, group,
                deliveryGuarantee(delivery), transactionalIdPrefix, transactionTimeout, kafkaProperties);
        ClipSettings clips = new ClipSettings(clipLength, stride, maxGap, outOfOrderness, sourceIdleness, idleTimeout,
                maxFrameBytes, new CaptureTimeWindow(maxFrameAge, maxClockSkew), maxCameras, maxPendingFrames, seqRestart);
        if (modelVersion != null && modelWatch != null && !modelWatch.isZero()) {
            throw new ConfigException("--model-watch follows the store's CURRENT; it cannot be used with a pinned"
                    + " --model-version " + modelVersion);
        }
        Duration watch = modelVersion != null ? Duration.ZERO : modelWatch != null ? modelWatch : DEFAULT_MODEL_WATCH;
        ModelSettings modelSettings = new ModelSettings(modelStore, model, modelVersion, device, intraOpThreads,
                interOpThreads, topK, watch, threadSpinning, precision());
        BatchSettings batching = new BatchSettings(batchSize, Duration.ofMillis(batchTimeoutMs));
        RuntimeSettings runtime = new RuntimeSettings(parallelism, checkpointInterval, checkpointDir);
        return new JobConfig(kafka, clips, modelSettings, batching, runtime);
    }

    private Precision precision() {
        try {
            return Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--" + e.getMessage());
        }
    }

    static DeliveryGuarantee deliveryGuarantee(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
            default -> throw new ConfigException("--delivery must be exactly-once or at-least-once, got '" + value + "'");
        };
    }

    /** {@code --kafka.NAME=VALUE} or {@code --kafka.NAME VALUE} pairs; anything else is an unknown option. */
    static Map<String, String> passthrough(List<String> args) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--kafka.") || arg.length() == "--kafka.".length()) {
                throw new ConfigException("unknown option '" + arg + "' (see --help; Kafka client properties are"
                        + " passed as --kafka.NAME=VALUE)");
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                properties.put(arg.substring("--kafka.".length(), eq), arg.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                properties.put(arg.substring("--kafka.".length()), args.get(++i));
            } else {
                throw new ConfigException(arg + " needs a value: " + arg + "=VALUE");
            }
        }
        return properties;
    }
}

package clipstream.local.demo;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.alerts.pipeline.AlertsService;
import clipstream.alerts.rules.RulesFileException;
import clipstream.alerts.rules.RulesLoader;
import clipstream.common.metrics.MetricsEndpoint;
import clipstream.dashboard.Dashboard;
import clipstream.dashboard.DashboardSettings;
import clipstream.dashboard.DashboardTopics;
import clipstream.dashboard.metrics.DashboardMetrics;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.CameraStats;
import clipstream.ingest.run.IngestMetrics;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.ClipstreamJob;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.ConfigException;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.PersonActionSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.cli.JobCommand;
import clipstream.job.frames.FrameSize;
import clipstream.job.inference.StoreStreamClassifier;
import clipstream.job.runtime.JobMetricsReporter;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.local.LocalFlink;
import clipstream.model.runtime.Precision;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.PersonPoses;
import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one JVM, for a demo or a smoke test: a Kafka broker, the clipstream Flink job on a local
 * MiniCluster (web UI on localhost) with the model from the store, cameras through the real ingest code, the
 * alerting consumer printing alerts, the operator's dashboard (unless the settings leave it out) and a tally of what
 * came out. {@link #run()} returns when the cameras are done
 * (duration, frame budget or {@link #requestStop()}), the last events are in and everything is shut down.
 *
 * <p>With the people path, the job also tracks people and, with a people model, labels each tracked person's clips:
 * on real footage it finds the people in the frames with the pose model; without footage, synthetic people cameras
 * (people doing known actions) send their poses to the edge poses topic as edge devices do, at the people model's
 * pose rate, and their person events are scored against the scenes' ground truth.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    static final String FRAMES_TOPIC = "frames";
    static final String EVENTS_TOPIC = "clip-events";
    static final String DEAD_LETTER_TOPIC = "frames-dlq";
    static final String POSES_TOPIC = "poses";
    static final String EDGE_POSES_TOPIC = IngestSettings.DEFAULT_EDGE_POSES_TOPIC;
    /** People per synthetic people camera, each in a lane of the frame of their own. */
    static final int SYNTHETIC_PEOPLE = 2;
    /** Pose frames per second a people model takes when its manifest does not say (posec3d-small's rate). */
    static final double DEFAULT_POSE_FPS = 10;
    private static final int MAX_TRACKS = 16;
    /** Frames of the people path: large enough for the pose model to find people, JPEG to keep Kafka light. */
    static final int PEOPLE_FRAME_WIDTH = 512;
    static final int PEOPLE_FRAME_HEIGHT = 384;
    static final String JOB_GROUP = "clipstream-demo";
    private static final String DEMO_RULES = "/demo/rules.yaml";
    private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final Duration MODEL_WATCH = Duration.ofSeconds(10);

    private final DemoSettings settings;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CompletableFuture<URI> dashboardUrl = new CompletableFuture<>();

    public Demo(DemoSettings settings) {
        this.settings = settings;
        this.out = settings.out();
    }

    /**
     * The dashboard's address, once it serves; fails when the demo runs without one or ends before it starts.
     */
    public CompletableFuture<URI> dashboardUrl() {
        return dashboardUrl;
    }

    /** Asks a running demo to stop its cameras and wind down (Ctrl-C); returns at once. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Runs the demo to its end and returns what it measured.
     *
     * @throws ModelStoreException when the model is not in the store
     * @throws ConfigException when the people model is not in the store or is not one
     * @throws IllegalStateException when a part of the pipeline failed (the message says which and why)
     */
    public DemoSummary run() throws Exception {
        try {
            return runStack();
        } finally {
            dashboardUrl.completeExceptionally(new IllegalStateException("the demo ended before its dashboard served"));
        }
    }

    @SuppressWarnings("try") // AlertsService.close() may throw InterruptedException: it joins its threads
    private DemoSummary runStack() throws Exception {
        ModelStore store = new ModelStore(settings.store());
        ModelManifest manifest = store.describe(settings.model(), null).manifest();
        Optional<ModelManifest> peopleModel = peopleModel(store);
        double poseFps = peopleModel.map(Demo::poseFps).orElse(DEFAULT_POSE_FPS);
        int clipLength = manifest.frames();
        int stride = settings.stride() == 0 ? clipLength : settings.stride();
        List<CameraSpec> cameras = cameras(clipLength, poseFps);
        GroundTruth truth = new GroundTruth(cameras);
        printModels(manifest, stride, peopleModel, cameras.size(), poseFps);
        int poseEvery = settings.people().isPresent() && !settings.syntheticPeople()
                ? poseEvery(cameras, poseFps) : PeopleSettings.DEFAULT_POSE_EVERY;
        Path rules = rulesFile();

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int partitions = Math.min(cameras.size(), 8);
            Map<String, Integer> topics = new java.util.HashMap<>(Map.of(FRAMES_TOPIC, partitions, EVENTS_TOPIC,
                    partitions, DEAD_LETTER_TOPIC, 1));
            if (settings.people().isPresent()) {
                topics.put(POSES_TOPIC, partitions);
            }
            if (settings.syntheticPeople()) {
                topics.put(EDGE_POSES_TOPIC, partitions);
            }
            kafka.createTopics(topics);
            out.println("Kafka broker: " + kafka.bootstrapServers());
            JobConfig config = jobConfig(kafka.bootstrapServers(), manifest, clipLength, stride);
            PrometheusRegistry registry = new PrometheusRegistry();
            OptionalInt flinkMetricsPort = flinkMetricsPort();
            Configuration flinkMetrics = flinkMetricsPort.isPresent()
                    ? JobMetricsReporter.prometheus(flinkMetricsPort.getAsInt()) : new Configuration();
            try (LocalFlink flink = LocalFlink.start(config.runtime().parallelism(), flinkMetrics);
                 Dashboard dashboard = dashboard(kafka.bootstrapServers(), rules);
                 MetricsEndpoint metrics = metricsEndpoint(registry, dashboard)) {
                out.println("Flink web UI: " + flink.webUi());
                if (metrics != null) {
                    out.println("Metrics: " + metrics.uri() + " (ingest, alerts, dashboard); the job's, from Flink's"
                            + " reporter: http://127.0.0.1:" + flinkMetricsPort.getAsInt() + "/metrics");
                }
                if (dashboard != null) {
                    out.println("Dashboard: " + dashboard.url());
                    // completed once printed, so whoever waits for the address finds it in the output too
                    dashboardUrl.complete(dashboard.url());
                }
                flink.run(job(config, manifest, poseEvery, peopleModel), JOB_START_TIMEOUT);
                out.println("Job running; starting the alerting consumer and the cameras"
                        + (settings.duration().isZero() && settings.framesPerCamera().isEmpty() ? " (Ctrl-C stops)" : ""));
                Properties producing = FrameProducers.properties(kafka.bootstrapServers(), Map.of());
                try (AlertsService alerts = alerts(kafka.bootstrapServers(), rules, registry);
                     EventTally tally = new EventTally(kafka.bootstrapServers(), EVENTS_TOPIC, DEAD_LETTER_TOPIC,
                             alerts.rules().alertTopics(), settings.people().isPresent() ? POSES_TOPIC : null, truth,
                             System::currentTimeMillis);
                     // synthetic people cameras send poses, as edge devices do; every other camera sends frames
                     Producer<String, Frame> producer = settings.syntheticPeople() ? null
                             : FrameProducers.create(producing);
                     Producer<String, PersonPoses> posesProducer = settings.syntheticPeople()
                             ? FrameProducers.createForPoses(producing) : null) {
                    tally.start();
                    IngestRunner runner = new IngestRunner(ingestSettings(manifest), cameras, producer, posesProducer,
                            null, null, Duration.ZERO);
                    IngestMetrics.register(registry, runner::stats);
                    long started = System.nanoTime();
                    runner.start();
                    IngestSummary ingest;
                    try {
                        awaitEnd(runner, flink, alerts, tally, started);
                    } finally {
                        // also when a part failed: no camera may outlive the producer closed below
                        runner.stop();
                        ingest = runner.awaitSummary(Duration.ofSeconds(60));
                    }
                    if (ingest == null) {
                        throw new IllegalStateException("The cameras did not stop within 60 s");
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    List<DemoSummary.CameraLine> lines = cameraLines(ingest, clipLength, stride);
                    long expectedClips = lines.stream().mapToLong(DemoSummary.CameraLine::clips).sum();
                    out.printf(Locale.ROOT, "Cameras stopped after %.1f s; waiting for the last events (%s)%n",
                            seconds, peopleModel.isEmpty() ? expectedClips + " expected"
                                    : expectedClips + " whole-frame ones expected; persons' ones until none comes for "
                                            + settings.checkpointInterval().multipliedBy(3).toMillis() + " ms");
                    // how many clips the tracked people make is not known beforehand: then the drain waits for the
                    // events to settle
                    drain(kafka, flink, tally, expectedClips, peopleModel.isEmpty());
                    failIfStopped(flink, alerts);
                    return DemoSummary.of(lines, tally.counts(), manifest.name(), manifest.version(),
                            flink.webUi().toString(), seconds, peopleModel.map(ModelManifest::name).orElse(null),
                            peopleModel.map(ModelManifest::version).orElse(null));
                }
            }
        }
    }

    /** Says which models serve and what the cameras send. */
    private void printModels(ModelManifest manifest, int stride, Optional<ModelManifest> peopleModel, int cameras,
                             double poseFps) {
        out.printf(Locale.ROOT, "clipstream demo: model %s version %s (clips of %d frames at %dx%d, stride %d), %s%n",
                manifest.name(), manifest.version(), manifest.frames(), manifest.width(), manifest.height(), stride,
                settings.syntheticPeople()
                        ? String.format(Locale.ROOT, "%d synthetic people camera(s), %d people each, at %s poses/s",
                                cameras, SYNTHETIC_PEOPLE, decimal(poseFps))
                        : String.format(Locale.ROOT, "%d camera(s) at %.0f fps", cameras, settings.fps()));
        peopleModel.ifPresent(people -> out.printf(Locale.ROOT, "People model %s version %s: clips of %d pose frames"
                        + " per tracked person, a new one every %d, labels %s (trained at %s poses/s)%n", people.name(),
                people.version(), people.frames(), PersonActionSettings.DEFAULT_STRIDE, people.labels(),
                decimal(poseFps)));
        if (settings.precision() == Precision.BF16) {
            out.println("Precision: the models run in bf16 (oneDNN's bfloat16 mixed precision"
                    + (Precision.nativeBf16OnThisCpu() ? ")" : "; this CPU has no native bfloat16: emulated, slower)"));
        }
    }

    /**
     * The people model's manifest when the people path labels persons' clips; it must take keypoint clips.
     *
     * @throws ConfigException when it is not in the store or does not take keypoint clips
     */
    private Optional<ModelManifest> peopleModel(ModelStore store) {
        Optional<String> name = settings.people().flatMap(DemoSettings.PeoplePath::peopleModel);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        ModelManifest people;
        try {
            people = store.describe(name.get(), null).manifest();
        } catch (ModelStoreException e) {
            throw new ConfigException("--people-model " + name.get() + ": " + e.getMessage() + " (--store "
                    + settings.store() + "; --people-model none runs the people path without one)");
        }
        if (!people.input().isKeypoints()) {
            throw new ConfigException("--people-model " + name.get() + " does not take keypoint clips (its"
                    + " input is " + people.input().shape() + " " + people.input().layout() + "): give a people model"
                    + " such as posec3d-small, or --people-model none");
        }
        return Optional.of(people);
    }

    /** The pose frames per second {@code people} was trained at, from its manifest. */
    private static double poseFps(ModelManifest people) {
        JsonNode fps = people.training() == null ? null : people.training().get("pose_fps");
        return fps != null && fps.isNumber() && fps.asDouble() > 0 ? fps.asDouble() : DEFAULT_POSE_FPS;
    }

    /**
     * How often a frame of the footage goes through the pose model: as {@code --pose-every} says, else so that the
     * frames' rate on the topic (the footage's own, at most {@code --fps}) over it is about {@code poseFps}, the rate
     * the people model was trained at; every frame when no rate is known. One value for the job: with several
     * sources, the fastest decides.
     */
    private int poseEvery(List<CameraSpec> cameras, double poseFps) {
        DemoSettings.PeoplePath path = settings.people().orElseThrow();
        String input = path.poseInput() == 0 ? "its own input size" : "input " + path.poseInput() + "x"
                + path.poseInput();
        if (path.poseFps() > 0) {
            out.printf(Locale.ROOT, "People path: pose model %s (%s) on %s frames a second per camera, by capture"
                    + " time (--pose-fps)%n", path.poseModel(), input, decimal(path.poseFps()));
            return PeopleSettings.DEFAULT_POSE_EVERY; // not used: the job poses by time
        }
        if (path.poseEvery() > 0) {
            out.printf(Locale.ROOT, "People path: pose model %s (%s) on 1 frame in %d (--pose-every)%n",
                    path.poseModel(), input, path.poseEvery());
            return path.poseEvery();
        }
        double fastest = 0;
        for (CameraSpec camera : cameras) {
            double rate = FootageRate.of(camera.source(), settings.fps());
            out.printf(Locale.ROOT, "%s: %s%n", camera.id(), rate > 0
                    ? "frames at " + decimal(rate) + " fps on the frames topic" : "frame rate unknown");
            fastest = Math.max(fastest, rate);
        }
        int every = fastest > 0 ? (int) Math.max(1, Math.round(fastest / poseFps)) : 1;
        out.printf(Locale.ROOT, "People path: pose model %s (%s) on 1 frame in %d (--pose-every %d: %s)%n",
                path.poseModel(), input, every, every, fastest > 0
                        ? decimal(fastest) + " fps / " + every + " = " + decimal(fastest / every) + " poses/s; the"
                                + " people model takes " + decimal(poseFps)
                        : "the frame rate is not known");
        return every;
    }

    private static String decimal(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private List<CameraSpec> cameras(int clipLength, double poseFps) {
        List<CameraSpec> cameras = new ArrayList<>();
        if (settings.syntheticPeople()) {
            // people doing random actions, paced in real time at the people model's pose rate; a seed per camera
            for (int i = 1; i <= settings.cameras(); i++) {
                String id = "cam-" + i;
                cameras.add(new CameraSpec(id, SourceSpec.parse("synthetic-people:random?people=" + SYNTHETIC_PEOPLE
                        + "&seed=" + i + "&fps=" + decimal(poseFps), id)));
            }
        } else if (settings.sources().isEmpty()) {
            // one segment per clip: with tumbling clips every event has a known ground truth
            for (int i = 1; i <= settings.cameras(); i++) {
                String id = "cam-" + i;
                cameras.add(new CameraSpec(id, SourceSpec.parse("synthetic:random?segment=" + clipLength, id)));
            }
        } else {
            for (int i = 1; i <= settings.sources().size(); i++) {
                String id = "footage-" + i;
                cameras.add(new CameraSpec(id, SourceSpec.parse(settings.sources().get(i - 1), id)));
            }
        }
        return cameras;
    }

    private JobConfig jobConfig(String bootstrap, ModelManifest manifest, int clipLength, int stride) {
        KafkaSettings kafka = new KafkaSettings(bootstrap, FRAMES_TOPIC, EVENTS_TOPIC, DEAD_LETTER_TOPIC, JOB_GROUP,
                DeliveryGuarantee.EXACTLY_ONCE, JOB_GROUP, Duration.ofMinutes(5), Map.of());
        // cameras of one process share partitions: a camera whose thread lags on a busy machine must not
        // find its frames behind the watermark, hence the generous out-of-orderness (it delays no in-order frame)
        ClipSettings clips = new ClipSettings(clipLength, stride, 4, Duration.ofSeconds(3), Duration.ofSeconds(5),
                Duration.ofSeconds(60), 8 << 20);
        // follows the store's CURRENT: `./clipstream model current NAME VERSION` switches the running demo
        ModelSettings model = new ModelSettings(settings.store().toString(), manifest.name(), manifest.version(),
                "cpu", 0, 0, 3, MODEL_WATCH, false, settings.precision());
        return new JobConfig(kafka, clips, model, new BatchSettings(8, Duration.ofMillis(100)),
                new RuntimeSettings(1, settings.checkpointInterval(), null));
    }

    /**
     * The job: the action model on frames; with the people path, people tracked from the synthetic people cameras'
     * poses (edge input) or from the footage's frames (the pose model on 1 frame in {@code poseEvery}), and each
     * tracked person's clips labelled by {@code peopleModel} when there is one, following its CURRENT.
     */
    private ClipstreamJob job(JobConfig config, ModelManifest manifest, int poseEvery,
                              Optional<ModelManifest> peopleModel) {
        ClipstreamJob job = ClipstreamJob.onKafka(config, new FrameSize(manifest.width(), manifest.height()));
        // a model with a stream mode (c3d-small-stream) computes each frame once, as the job does by default
        String streaming = JobCommand.streamInference(manifest, config, "auto");
        if (streaming != null) {
            job.withStreamInference(new StoreStreamClassifier(config.model()));
            out.println("Model: " + streaming);
        }
        settings.people().ifPresent(path -> {
            Duration idle = config.clips().idleTimeout();
            PeopleSettings onFrames = PeopleSettings.of(path.poseModel(), null, path.poseInput(), poseEvery,
                    PeopleSettings.DEFAULT_MIN_PERSON_SCORE, MAX_TRACKS, POSES_TOPIC, idle);
            job.withPeopleOnKafka(settings.syntheticPeople()
                    ? PeopleSettings.edge(EDGE_POSES_TOPIC, MAX_TRACKS, POSES_TOPIC, idle)
                    : path.poseFps() > 0 ? onFrames.withPoseFps(path.poseFps()) : onFrames);
            peopleModel.ifPresent(people -> job.withPersonActionsFromStore(new PersonActionSettings(
                    new ModelSettings(settings.store().toString(), people.name(), people.version(), "cpu", 0, 0, 3,
                            MODEL_WATCH, false, settings.precision()), people.frames(),
                    PersonActionSettings.DEFAULT_STRIDE, PersonActionSettings.DEFAULT_MAX_GAP)));
        });
        return job;
    }

    private IngestSettings ingestSettings(ModelManifest manifest) {
        IngestSettings ingest = settings.people().isPresent() && !settings.syntheticPeople()
                ? IngestSettings.defaults(FRAMES_TOPIC, PEOPLE_FRAME_WIDTH, PEOPLE_FRAME_HEIGHT)
                        .withEncoding(FrameEncoding.JPEG, 0.85f)
                : IngestSettings.defaults(FRAMES_TOPIC, manifest.width(), manifest.height())
                        .withPosesTopic(EDGE_POSES_TOPIC);
        ingest = ingest.withFps(settings.fps()).withLoop(!settings.sources().isEmpty());
        if (settings.framesPerCamera().isPresent()) {
            ingest = ingest.withMaxFrames(settings.framesPerCamera().getAsLong());
        }
        return ingest;
    }

    /** The alert rules: {@code --rules}, else the demo's own, copied next to the summary. */
    private Path rulesFile() throws IOException {
        Optional<Path> given = settings.rulesFile();
        if (given.isPresent()) {
            return given.get();
        }
        Path rules = settings.summaryFile().toAbsolutePath().resolveSibling("rules.yaml");
        Files.createDirectories(rules.getParent());
        try (InputStream in = Demo.class.getResourceAsStream(DEMO_RULES)) {
            if (in == null) {
                throw new IllegalStateException("The demo rules " + DEMO_RULES + " are missing from the class path");
            }
            Files.copy(in, rules, StandardCopyOption.REPLACE_EXISTING);
        }
        return rules;
    }

    /**
     * The operator's dashboard over the demo's topics (the alert topics of {@code rules}), following the job's
     * consumer group; null when the settings ask for none.
     */
    private Dashboard dashboard(String bootstrap, Path rules) throws IOException, RulesFileException {
        if (settings.dashboard().isEmpty()) {
            dashboardUrl.completeExceptionally(new IllegalStateException("this demo runs without a dashboard"));
            return null;
        }
        DemoSettings.DashboardPort port = settings.dashboard().get();
        DashboardTopics topics = new DashboardTopics(FRAMES_TOPIC, EVENTS_TOPIC, POSES_TOPIC,
                List.copyOf(RulesLoader.load(rules).alertTopics()),
                List.of(DEAD_LETTER_TOPIC, AlertsConfig.DEFAULT_DLQ_TOPIC));
        Dashboard dashboard = Dashboard.start(DashboardSettings.defaults(bootstrap, port.port(), JOB_GROUP)
                .withTopics(topics), port.anyIfTaken());
        return dashboard;
    }

    /** The port of Flink's Prometheus reporter when metrics are on; a free one when the settings say 0. */
    private OptionalInt flinkMetricsPort() throws IOException {
        if (settings.metrics().isEmpty()) {
            return OptionalInt.empty();
        }
        int port = settings.metrics().get().flinkPort();
        return OptionalInt.of(port == 0 ? EmbeddedKafka.freeLoopbackPort() : port);
    }

    /**
     * Serves {@code registry} (ingest's and the alerting consumer's metrics, registered as they start, and the
     * dashboard's) where the settings say; null when they ask for no metrics.
     */
    private MetricsEndpoint metricsEndpoint(PrometheusRegistry registry, Dashboard dashboard) {
        if (settings.metrics().isEmpty()) {
            return null;
        }
        if (dashboard != null) {
            DashboardMetrics.register(registry, dashboard.board(), dashboard::pages);
        }
        DemoSettings.MetricsPorts ports = settings.metrics().get();
        return MetricsEndpoint.start(registry, ports.host(), ports.port());
    }

    private AlertsService alerts(String bootstrap, Path rules, PrometheusRegistry registry)
            throws IOException, RulesFileException, InterruptedException {
        out.println("Alert rules: " + rules);
        AlertsConfig config = new AlertsConfig(bootstrap, "clipstream-demo-alerts", "demo", EVENTS_TOPIC,
                AlertsConfig.DEFAULT_STATE_TOPIC, AlertsConfig.DEFAULT_DLQ_TOPIC, RuleEngine.DEFAULT_DEDUP_WINDOW,
                AlertsConfig.DEFAULT_MAX_POLL_RECORDS, Map.of());
        AlertsService service = new AlertsService(config, rules, new TerminalOutput(out, false, ZoneId.systemDefault()),
                new AlertsMetrics(registry));
        try {
            service.start();
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    /** Waits for the end of the run, printing a progress line now and then; fails as soon as a part fails. */
    private void awaitEnd(IngestRunner runner, LocalFlink flink, AlertsService alerts, EventTally tally, long started)
            throws InterruptedException {
        long end = settings.duration().isZero() ? Long.MAX_VALUE : started + settings.duration().toNanos();
        long nextProgress = started + PROGRESS_EVERY.toNanos();
        while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
            failIfStopped(flink, alerts);
            long now = System.nanoTime();
            if (now >= end || runner.awaitSummary(Duration.ZERO) != null) {
                return;
            }
            if (now >= nextProgress) {
                nextProgress += PROGRESS_EVERY.toNanos();
                EventTally.Counts counts = tally.counts();
                out.printf(Locale.ROOT, "[%4ds] frames=%d events=%d correct=%d/%d alerts=%d dead_letters=%d%s%n",
                        TimeUnit.NANOSECONDS.toSeconds(now - started),
                        runner.stats().stream().mapToLong(CameraStats::acked).sum(), counts.events(),
                        counts.correct(), counts.scorable(), counts.alerts(), counts.deadLetters(),
                        counts.posedFrames() < 0 ? "" : String.format(Locale.ROOT, " posed_frames=%d tracks=%d"
                                + " person_events=%d", counts.posedFrames(), counts.tracks(), counts.people().values()
                                .stream().mapToLong(DemoSummary.CameraPeople::personEvents).sum()));
            }
        }
        out.println("Stopping...");
    }

    private static void failIfStopped(LocalFlink flink, AlertsService alerts) {
        flink.failure().ifPresent(cause -> {
            throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
        });
        alerts.failure().ifPresent(cause -> {
            throw new IllegalStateException("The alerting consumer failed: " + cause, cause);
        });
    }

    /**
     * Per camera: frames acknowledged and the complete whole-frame clips they make (the whole-frame events the job
     * should emit); a synthetic people camera's frames are pose frames, which make none.
     */
    private List<DemoSummary.CameraLine> cameraLines(IngestSummary ingest, int clipLength, int stride) {
        return ingest.cameras().stream().map(camera -> new DemoSummary.CameraLine(camera.cameraId(), camera.source(),
                        camera.state().name(), camera.acked(), camera.dropped(),
                        settings.syntheticPeople() || camera.acked() < clipLength ? 0
                                : (camera.acked() - clipLength) / stride + 1))
                .toList();
    }

    /**
     * Waits until the job has committed every input record (its consumer group's offsets at the end of the frames
     * topic, and of the edge poses topic with synthetic people) and the tally has read every committed event: at
     * once when {@code exact} and all expected events are in, else once that state has held, with no new event,
     * for three checkpoint intervals (frames dead-lettered or dropped make fewer clips; how many clips tracked
     * people make is not known beforehand).
     */
    private void drain(EmbeddedKafka kafka, LocalFlink flink, EventTally tally, long expectedClips, boolean exact)
            throws Exception {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        long settle = settings.checkpointInterval().multipliedBy(3).toNanos();
        long settledSince = -1;
        long settledEvents = -1;
        List<String> inputs = settings.syntheticPeople() ? List.of(FRAMES_TOPIC, EDGE_POSES_TOPIC)
                : List.of(FRAMES_TOPIC);
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                flink.failure().ifPresent(cause -> {
                    throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
                });
                long events = tally.events();
                if (inputsCommitted(admin, inputs) && tally.caughtUp()) {
                    if (exact && events >= expectedClips) {
                        return;
                    }
                    if (settledSince < 0 || events != settledEvents) {
                        settledSince = System.nanoTime();
                        settledEvents = events;
                    }
                    if (System.nanoTime() - settledSince >= settle) {
                        return;
                    }
                } else {
                    settledSince = -1;
                }
                tally.awaitNextPoll(Duration.ofSeconds(1));
            }
        }
        LOG.warn("Not every event was in after {} s: {} read, {} whole-frame ones expected",
                settings.drainTimeout().toSeconds(), tally.events(), expectedClips);
    }

    private static boolean inputsCommitted(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(JOB_GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (var topic : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).entrySet()) {
            for (var partition : topic.getValue().partitions()) {
                latest.put(new TopicPartition(topic.getKey(), partition.partition()), OffsetSpec.latest());
            }
        }
        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long position = offset == null ? 0 : offset.offset();
            if (position < end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }
}

package clipstream.local.demo;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.alerts.pipeline.AlertsService;
import clipstream.alerts.rules.RulesFileException;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.CameraStats;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.ClipstreamJob;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.local.LocalFlink;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * alerting consumer printing alerts, and a tally of what came out. {@link #run()} returns when the cameras are done
 * (duration, frame budget or {@link #requestStop()}), the last events are in and everything is shut down.
 */
public final class Demo {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    static final String FRAMES_TOPIC = "frames";
    static final String EVENTS_TOPIC = "clip-events";
    static final String DEAD_LETTER_TOPIC = "frames-dlq";
    static final String POSES_TOPIC = "poses";
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

    public Demo(DemoSettings settings) {
        this.settings = settings;
        this.out = settings.out();
    }

    /** Asks a running demo to stop its cameras and wind down (Ctrl-C); returns at once. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Runs the demo to its end and returns what it measured.
     *
     * @throws ModelStoreException when the model is not in the store
     * @throws IllegalStateException when a part of the pipeline failed (the message says which and why)
     */
    @SuppressWarnings("try") // AlertsService.close() may throw InterruptedException: it joins its threads
    public DemoSummary run() throws Exception {
        ModelStore store = new ModelStore(settings.store());
        ModelManifest manifest = store.describe(settings.model(), null).manifest();
        int clipLength = manifest.frames();
        int stride = settings.stride() == 0 ? clipLength : settings.stride();
        List<CameraSpec> cameras = cameras(clipLength);
        GroundTruth truth = new GroundTruth(cameras);
        out.printf(Locale.ROOT, "clipstream demo: model %s version %s (clips of %d frames at %dx%d, stride %d),"
                        + " %d camera(s) at %.0f fps%n", manifest.name(), manifest.version(), clipLength,
                manifest.width(), manifest.height(), stride, cameras.size(), settings.fps());

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int partitions = Math.min(cameras.size(), 8);
            Map<String, Integer> topics = new java.util.HashMap<>(Map.of(FRAMES_TOPIC, partitions, EVENTS_TOPIC,
                    partitions, DEAD_LETTER_TOPIC, 1));
            if (settings.people()) {
                topics.put(POSES_TOPIC, partitions);
            }
            kafka.createTopics(topics);
            out.println("Kafka broker: " + kafka.bootstrapServers());
            JobConfig config = jobConfig(kafka.bootstrapServers(), manifest, clipLength, stride);
            try (LocalFlink flink = LocalFlink.start(config.runtime().parallelism())) {
                out.println("Flink web UI: " + flink.webUi());
                flink.run(job(config, manifest), JOB_START_TIMEOUT);
                settings.poseModel().ifPresent(pose -> out.println("People path on: pose model " + pose + ", every "
                        + PeopleSettings.DEFAULT_POSE_EVERY + "th frame, poses on topic " + POSES_TOPIC));
                out.println("Job running; starting the alerting consumer and the cameras"
                        + (settings.duration().isZero() && settings.framesPerCamera().isEmpty() ? " (Ctrl-C stops)" : ""));
                try (AlertsService alerts = alerts(kafka.bootstrapServers());
                     EventTally tally = new EventTally(kafka.bootstrapServers(), EVENTS_TOPIC, DEAD_LETTER_TOPIC,
                             alerts.rules().alertTopics(), settings.people() ? POSES_TOPIC : null, truth,
                             System::currentTimeMillis);
                     Producer<String, Frame> producer = FrameProducers.create(
                             FrameProducers.properties(kafka.bootstrapServers(), Map.of()))) {
                    tally.start();
                    IngestRunner runner = new IngestRunner(ingestSettings(manifest), cameras, producer);
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
                    out.printf(Locale.ROOT, "Cameras stopped after %.1f s; waiting for the last events (%d expected)%n",
                            seconds, expectedClips);
                    drain(kafka, flink, tally, expectedClips);
                    failIfStopped(flink, alerts);
                    return DemoSummary.of(lines, tally.counts(), manifest.name(), manifest.version(),
                            flink.webUi().toString(), seconds);
                }
            }
        }
    }

    private List<CameraSpec> cameras(int clipLength) {
        List<CameraSpec> cameras = new ArrayList<>();
        if (settings.sources().isEmpty()) {
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
                "cpu", 0, 0, 3, MODEL_WATCH);
        return new JobConfig(kafka, clips, model, new BatchSettings(8, Duration.ofMillis(100)),
                new RuntimeSettings(1, settings.checkpointInterval(), null));
    }

    private ClipstreamJob job(JobConfig config, ModelManifest manifest) {
        ClipstreamJob job = ClipstreamJob.onKafka(config, new FrameSize(manifest.width(), manifest.height()));
        settings.poseModel().ifPresent(pose -> job.withPeopleOnKafka(PeopleSettings.of(pose, null, 0,
                PeopleSettings.DEFAULT_POSE_EVERY, PeopleSettings.DEFAULT_MIN_PERSON_SCORE, 16, POSES_TOPIC,
                config.clips().idleTimeout())));
        return job;
    }

    private IngestSettings ingestSettings(ModelManifest manifest) {
        IngestSettings ingest = settings.people()
                ? IngestSettings.defaults(FRAMES_TOPIC, PEOPLE_FRAME_WIDTH, PEOPLE_FRAME_HEIGHT)
                        .withEncoding(FrameEncoding.JPEG, 0.85f)
                : IngestSettings.defaults(FRAMES_TOPIC, manifest.width(), manifest.height());
        ingest = ingest.withFps(settings.fps()).withLoop(!settings.sources().isEmpty());
        if (settings.framesPerCamera().isPresent()) {
            ingest = ingest.withMaxFrames(settings.framesPerCamera().getAsLong());
        }
        return ingest;
    }

    private AlertsService alerts(String bootstrap) throws IOException, RulesFileException, InterruptedException {
        Path rules = settings.rulesFile().orElse(null);
        if (rules == null) {
            rules = settings.summaryFile().toAbsolutePath().resolveSibling("rules.yaml");
            Files.createDirectories(rules.getParent());
            try (InputStream in = Demo.class.getResourceAsStream(DEMO_RULES)) {
                if (in == null) {
                    throw new IllegalStateException("The demo rules " + DEMO_RULES + " are missing from the class path");
                }
                Files.copy(in, rules, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        out.println("Alert rules: " + rules);
        AlertsConfig config = new AlertsConfig(bootstrap, "clipstream-demo-alerts", "demo", EVENTS_TOPIC,
                AlertsConfig.DEFAULT_STATE_TOPIC, AlertsConfig.DEFAULT_DLQ_TOPIC, RuleEngine.DEFAULT_DEDUP_WINDOW,
                AlertsConfig.DEFAULT_MAX_POLL_RECORDS, Map.of());
        AlertsService service = new AlertsService(config, rules, new TerminalOutput(out, false, ZoneId.systemDefault()));
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
                out.printf(Locale.ROOT, "[%4ds] frames=%d events=%d correct=%d/%d alerts=%d dead_letters=%d%n",
                        TimeUnit.NANOSECONDS.toSeconds(now - started),
                        runner.stats().stream().mapToLong(CameraStats::acked).sum(), counts.events(),
                        counts.correct(), counts.scorable(), counts.alerts(), counts.deadLetters());
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

    /** Per camera: frames acknowledged and the complete clips they make (the events the job should emit). */
    private static List<DemoSummary.CameraLine> cameraLines(IngestSummary ingest, int clipLength, int stride) {
        return ingest.cameras().stream().map(camera -> new DemoSummary.CameraLine(camera.cameraId(), camera.source(),
                        camera.state().name(), camera.acked(), camera.dropped(),
                        camera.acked() < clipLength ? 0 : (camera.acked() - clipLength) / stride + 1))
                .toList();
    }

    /**
     * Waits until the job has committed every frame (its consumer group's offsets at the end of the frames
     * topic) and the tally has read every committed event: at once when all expected events are in, else once
     * that state has held for three checkpoint intervals (frames dead-lettered or dropped make fewer clips).
     */
    private void drain(EmbeddedKafka kafka, LocalFlink flink, EventTally tally, long expectedClips) throws Exception {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        long settle = settings.checkpointInterval().multipliedBy(3).toNanos();
        long settledSince = -1;
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                flink.failure().ifPresent(cause -> {
                    throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
                });
                if (framesCommitted(admin) && tally.caughtUp()) {
                    if (tally.events() >= expectedClips) {
                        return;
                    }
                    settledSince = settledSince < 0 ? System.nanoTime() : settledSince;
                    if (System.nanoTime() - settledSince >= settle) {
                        return;
                    }
                } else {
                    settledSince = -1;
                }
                tally.awaitNextPoll(Duration.ofSeconds(1));
            }
        }
        LOG.warn("Not every event was in after {} s: {} of {} expected", settings.drainTimeout().toSeconds(),
                tally.events(), expectedClips);
    }

    private static boolean framesCommitted(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(JOB_GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (var partition : admin.describeTopics(List.of(FRAMES_TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(FRAMES_TOPIC).partitions()) {
            latest.put(new TopicPartition(FRAMES_TOPIC, partition.partition()), OffsetSpec.latest());
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

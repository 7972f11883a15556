package clipstream.bench;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.ClipstreamJob;
import clipstream.job.cli.JobCommand;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.inference.StoreStreamClassifier;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.FramesTopicSource;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.schema.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import clipstream.local.LocalFlink;
import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs of the whole chain on the embedded stack: synthetic cameras through the real ingest code into a fresh
 * frames topic, a fresh clipstream job with the model from the store, its events read back read_committed. Every
 * run's job goes to the same Flink MiniCluster, started with the first run and closed with this, as a long-running
 * job keeps its cluster (the cluster's own start-up then stays out of the later runs). Either the frames are all
 * written before the job starts ({@code prefill}: the job drains a backlog, so what comes out is its capacity) or
 * the cameras send in real time while the job runs (a paced run: what comes out is the offered load, as long as
 * the job keeps up). A run's job classifies clip by clip, or, for a stream model, each camera's frames as a stream
 * ({@link InferenceMode}); everything else about the two is the same.
 */
final class PipelineRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRun.class);
    private static final Duration JOB_START_TIMEOUT = Duration.ofMinutes(3);
    /** How long cancelling one measurement's job may take before the next one starts. */
    private static final Duration JOB_END_TIMEOUT = Duration.ofSeconds(30);
    /** How long the job's metrics may take to show a run's last batches through the REST API. */
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(15);
    /** Where the latest checkpoint's state size goes among the stage metrics of a result. */
    static final String CHECKPOINT_STATE_BYTES = "checkpointStateBytes";
    /** Frames topic partitions at most: one per camera up to this. */
    private static final int MAX_PARTITIONS = 64;
    private static final List<String> STAGE_METRICS = List.of("clipCompleteLatencyMs", "batchWaitMs",
            "inferenceLatencyMs", "endToEndLatencyMs", "batchSize", "clipsClassified", "inferenceMicros");
    /** The stream operator's metrics: the clip operator's, and its chunks and the streams started again or forgotten. */
    private static final List<String> STREAM_STAGE_METRICS = java.util.stream.Stream.concat(STAGE_METRICS.stream(),
            java.util.stream.Stream.of("chunksClassified", "streamResets", "streamsExpired")).toList();
    private int runs;
    private LocalFlink flink;

    private final EmbeddedKafka kafka;
    private final ModelManifest manifest;
    private final BenchOptions options;
    private final String topicPrefix;

    PipelineRun(EmbeddedKafka kafka, ModelManifest manifest, BenchOptions options) {
        this(kafka, manifest, options, "");
    }

    /**
     * Runs whose topics are named {@code <name>-frames-<n>} (and so on): several of these can share one broker, e.g.
     * one per stride or per model.
     */
    PipelineRun(EmbeddedKafka kafka, ModelManifest manifest, BenchOptions options, String name) {
        this.kafka = kafka;
        this.manifest = manifest;
        this.options = options;
        this.topicPrefix = name.isEmpty() ? "" : name + "-";
    }

    /**
     * How a run's job classifies: clip by clip ({@code StoreClassifier}, the model's serving_default signature: each
     * frame computed once per clip it is in), or as streams ({@code ClipstreamJob.withStreamInference}: each camera's
     * chunks of one stride through the model's stream signature once, the camera's state in keyed state).
     */
    enum InferenceMode {
        CLIPS("classify clips in batches", STAGE_METRICS),
        STREAM("classify chunks as streams", STREAM_STAGE_METRICS);

        /** The job vertex (operator chain) whose name holds this, and the metrics read from it. */
        private final String vertex;
        private final List<String> metrics;

        InferenceMode(String vertex, List<String> metrics) {
            this.vertex = vertex;
            this.metrics = metrics;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What one run offers the job: cameras × frames, all at once or in real time. */
    record Load(int cameras, double fps, long framesPerCamera, boolean prefill, DeliveryGuarantee delivery) {
        /** Clips per second the cameras offer when they send in real time. */
        double offeredClipsPerSecond(int stride) {
            return cameras * fps / stride;
        }
    }

    /**
     * One run made ready: its topics, job settings and cameras, and for a {@code prefill} load the backlog already
     * written. Preparing every drain's backlog first lets a suite keep the producers (and the JIT compiling them)
     * out of the measured drains.
     */
    record Prepared(Load load, int run, String events, String deadLetters, JobConfig config, List<CameraSpec> cameras,
                    IngestSettings ingest, long expected, IngestSummary prefilled, InferenceMode inference) {
    }

    /** Creates the run's topics and, for a {@code prefill} load, writes its whole backlog; the job classifies clips. */
    Prepared prepare(Load load) throws Exception {
        return prepare(load, InferenceMode.CLIPS);
    }

    /**
     * Creates the run's topics and, for a {@code prefill} load, writes its whole backlog; the job classifies as
     * {@code inference} says.
     *
     * @throws clipstream.job.config.ConfigException for {@link InferenceMode#STREAM} with a model or a stride that
     *         cannot stream (the job's own check, as {@code --inference stream})
     */
    Prepared prepare(Load load, InferenceMode inference) throws Exception {
        int run = ++runs;
        String frames = topicPrefix + "frames-" + run;
        String events = topicPrefix + "events-" + run;
        String deadLetters = topicPrefix + "dlq-" + run;
        JobConfig config = jobConfig(frames, events, deadLetters, "bench-" + topicPrefix + run, load.delivery());
        JobCommand.streamInference(manifest, config, inference.label());
        createTopics(frames, events, deadLetters, Math.min(load.cameras(), MAX_PARTITIONS));
        int clipLength = config.clips().clipLength();
        int partitions = Math.min(load.cameras(), MAX_PARTITIONS);
        List<CameraSpec> cameras = new ArrayList<>();
        for (int i = 0; i < load.cameras(); i++) {
            String id = cameraId(i, partitions);
            cameras.add(new CameraSpec(id, SourceSpec.parse("synthetic:random", id)));
        }
        IngestSettings ingest = IngestSettings.defaults(frames, manifest.width(), manifest.height())
                .withFps(load.fps()).withMaxFrames(load.framesPerCamera())
                .withPacing(load.prefill() ? Pacing.FAST : Pacing.REALTIME);
        long perCamera = load.framesPerCamera() < clipLength ? 0
                : (load.framesPerCamera() - clipLength) / options.stride() + 1;
        long expected = perCamera * load.cameras();
        IngestSummary prefilled = null;
        if (load.prefill()) {
            try (Producer<String, Frame> producer = FrameProducers.create(
                    FrameProducers.properties(kafka.bootstrapServers(), Map.of()))) {
                IngestRunner runner = new IngestRunner(ingest, cameras, producer);
                runner.start();
                prefilled = runner.awaitSummary();
                requireNoFailure(prefilled);
            }
        }
        return new Prepared(load, run, events, deadLetters, config, cameras, ingest, expected, prefilled, inference);
    }

    /** Prepares and runs the load; returns what was measured. */
    RunResult run(Load load) throws Exception {
        return run(prepare(load));
    }

    /** Runs a prepared load (a backlog drain, or cameras sending in real time) and returns what was measured. */
    RunResult run(Prepared prepared) throws Exception {
        Load load = prepared.load();
        long expected = prepared.expected();
        try (EventReader reader = new EventReader(kafka.bootstrapServers(), prepared.events());
             MemorySampler memory = new MemorySampler()) {
            reader.start();
            memory.start();
            if (flink == null) {
                flink = LocalFlink.start(Math.max(1, options.parallelism()), 0);
            }
            try {
                JobID job = flink.run(job(prepared), JOB_START_TIMEOUT);
                // a live run's cameras send while the job runs (null, and skipped by try, for a backlog drain)
                try (Producer<String, Frame> producer = load.prefill() ? null
                        : FrameProducers.create(FrameProducers.properties(kafka.bootstrapServers(), Map.of()))) {
                    ProcessUsage.Snapshot cpuStart = ProcessUsage.snapshot();
                    long started = System.currentTimeMillis();
                    IngestSummary sent = prepared.prefilled();
                    IngestRunner runner = null;
                    if (producer != null) {
                        runner = new IngestRunner(prepared.ingest(), prepared.cameras(), producer);
                        runner.start();
                    }
                    long sendSeconds = load.prefill() ? 0 : (long) Math.ceil(load.framesPerCamera() / load.fps());
                    Duration wait = Duration.ofSeconds(sendSeconds + options.drainTimeoutSeconds());
                    boolean complete = awaitEvents(reader, flink, expected, wait);
                    if (runner != null) {
                        runner.stop();
                        sent = runner.awaitSummary(Duration.ofSeconds(30));
                    }
                    ProcessUsage.Snapshot cpuEnd = ProcessUsage.snapshot();
                    if (!complete) {
                        LOG.warn("run {}: {} of {} events after {} s", prepared.run(), reader.count(), expected,
                                wait.toSeconds());
                    }
                    FlinkMetrics metrics = new FlinkMetrics(flink.webUi(), job.toHexString());
                    InferenceMode inference = prepared.inference();
                    // fresh once they count every clip the reader saw, with the batch histogram filled in
                    long seen = reader.count();
                    Map<String, Double> stages = new java.util.TreeMap<>(metrics.fresh(inference.vertex,
                            inference.metrics, values -> values.containsKey("batchSize_mean")
                                    && values.getOrDefault("clipsClassified", 0.0) >= seen, METRICS_TIMEOUT));
                    stages.put(CHECKPOINT_STATE_BYTES, (double) metrics.latestCheckpointStateBytes());
                    return RunResult.of(load, options, expected, reader.seen(), reader.duplicates(),
                            sent == null ? 0 : sent.totalAcked(), droppedFrames(sent),
                            deadLetterCount(prepared.deadLetters()), started, stages, cpuStart, cpuEnd,
                            memory.cpuSamples(), memory.peakMiB());
                }
            } finally {
                flink.cancel(JOB_END_TIMEOUT);
            }
        }
    }

    /**
     * Runs a prepared live load with {@code whileRunning} called as the cameras send (the soak's sampling loop):
     * the job and its cluster, the cameras, and what happened to the events. Returns when {@code whileRunning}
     * returns; the cameras are stopped and the job cancelled then.
     */
    void runLive(Prepared prepared, LiveRun whileRunning) throws Exception {
        if (prepared.load().prefill()) {
            throw new IllegalArgumentException("a live run needs a load that is not prefilled");
        }
        try (EventReader reader = new EventReader(kafka.bootstrapServers(), prepared.events())) {
            reader.start();
            if (flink == null) {
                flink = LocalFlink.start(Math.max(1, options.parallelism()), 0);
            }
            try {
                JobID job = flink.run(job(prepared), JOB_START_TIMEOUT);
                try (Producer<String, Frame> producer = FrameProducers.create(
                        FrameProducers.properties(kafka.bootstrapServers(), Map.of()))) {
                    IngestRunner runner = new IngestRunner(prepared.ingest(), prepared.cameras(), producer);
                    runner.start();
                    try {
                        whileRunning.run(flink, new FlinkMetrics(flink.webUi(), job.toHexString()), reader);
                    } finally {
                        runner.stop();
                        requireNoFailure(runner.awaitSummary(Duration.ofSeconds(30)));
                    }
                }
            } finally {
                flink.cancel(JOB_END_TIMEOUT);
            }
        }
    }

    /** What a live run does while its cameras send. */
    interface LiveRun {
        void run(LocalFlink flink, FlinkMetrics metrics, EventReader events) throws Exception;
    }

    /** The consumer group of a prepared run's job (its Kafka source commits offsets there on checkpoints). */
    static String group(Prepared prepared) {
        return prepared.config().kafka().consumerGroup();
    }

    /** The frames topic of a prepared run. */
    static String framesTopic(Prepared prepared) {
        return prepared.config().kafka().framesTopic();
    }

    /** Admin client on the suite's broker; the caller closes it. */
    Admin admin() {
        return kafka.admin();
    }

    /** Closes the Flink cluster the runs used (cancelling a job still running). */
    @Override
    public void close() throws Exception {
        if (flink != null) {
            flink.close();
            flink = null;
        }
    }

    /**
     * A camera id that Kafka's default partitioner puts in partition {@code index % partitions}, so cameras spread
     * evenly, one per partition where there are enough. Two cameras sharing a partition would break a backlog run:
     * cameras written as fast as they go drift apart in capture time, the partition's watermark follows the one
     * ahead, and the other's frames arrive behind it (LATE).
     */
    static String cameraId(int index, int partitions) {
        int wanted = index % partitions;
        for (int suffix = 0; ; suffix++) {
            String id = "cam-" + (index + 1) + (suffix == 0 ? "" : "-" + suffix);
            byte[] key = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                    % partitions == wanted) {
                return id;
            }
        }
    }

    private static void requireNoFailure(IngestSummary summary) {
        if (summary.anyFailed()) {
            throw new IllegalStateException("Ingest failed:\n" + summary.render());
        }
    }

    private static long droppedFrames(IngestSummary summary) {
        return summary == null ? 0 : summary.cameras().stream().mapToLong(IngestSummary.CameraResult::dropped).sum();
    }

    private static boolean awaitEvents(EventReader reader, LocalFlink flink, long expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            flink.failure().ifPresent(cause -> {
                throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
            });
            if (reader.await(expected, Duration.ofMillis(500))) {
                return true;
            }
        }
        return false;
    }

    private void createTopics(String frames, String events, String deadLetters, int framePartitions) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(
                    new NewTopic(frames, framePartitions, (short) 1),
                    // append time on the events topic: the broker stamps when the sink wrote each event
                    new NewTopic(events, 1, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime")),
                    new NewTopic(deadLetters, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            EmbeddedKafka.awaitWritable(admin, List.of(frames, events, deadLetters), Duration.ofSeconds(30));
        }
    }

    private long deadLetterCount(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all()
                    .get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private JobConfig jobConfig(String frames, String events, String deadLetters, String group,
                                DeliveryGuarantee delivery) {
        KafkaSettings kafkaSettings = new KafkaSettings(kafka.bootstrapServers(), frames, events, deadLetters, group,
                delivery, group, Duration.ofMinutes(5), Map.of());
        ClipSettings clips = new ClipSettings(0, options.stride(), 4, options.outOfOrderness(), Duration.ofSeconds(5),
                Duration.ofSeconds(60), 8 << 20).forModelClipLength(manifest.frames());
        ModelSettings model = new ModelSettings(options.store().toString(), manifest.name(), manifest.version(), "cpu",
                options.intraOpThreads(), options.interOpThreads(), 3, Duration.ZERO, options.threadSpinning(),
                options.precision());
        return new JobConfig(kafkaSettings, clips, model, new BatchSettings(options.batchSize(), options.batchTimeout()),
                new RuntimeSettings(Math.max(1, options.parallelism()), options.checkpointInterval(), null));
    }

    private ClipstreamJob job(Prepared prepared) {
        JobConfig config = prepared.config();
        KafkaSettings kafkaSettings = config.kafka();
        ClipstreamJob job = new ClipstreamJob(config, new FrameSize(manifest.width(), manifest.height()),
                FramesTopicSource.kafka(kafkaSettings), new StoreClassifier(config.model()), KafkaSinks.events(kafkaSettings),
                KafkaSinks.deadLetters(kafkaSettings));
        // the model settings name the manifest's version: a stream model is served at one version
        return prepared.inference() == InferenceMode.STREAM
                ? job.withStreamInference(new StoreStreamClassifier(config.model())) : job;
    }

    /**
     * Samples this process every 500 ms: resident memory (the peak survives {@link #close()}) and CPU time per
     * thread, so CPU can be taken over the steady part of a run.
     */
    static final class MemorySampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final List<ProcessUsage.Snapshot> cpu = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::sample, "bench-sampler");
        private volatile boolean stopping;

        MemorySampler() {
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void sample() {
            while (!stopping) {
                peak.accumulateAndGet(ProcessUsage.residentMiB(), Math::max);
                cpu.add(ProcessUsage.snapshot());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peakMiB() {
            return Math.max(peak.get(), ProcessUsage.residentMiB());
        }

        /** The CPU snapshots taken so far, oldest first. */
        List<ProcessUsage.Snapshot> cpuSamples() {
            return List.copyOf(cpu);
        }

        @Override
        public void close() {
            stopping = true;
            thread.interrupt();
        }
    }
}

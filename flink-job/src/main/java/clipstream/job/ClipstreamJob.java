package clipstream.job;

import clipstream.job.config.JobConfig;
import clipstream.job.config.PeopleSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.functions.ClipAssembler;
import clipstream.job.functions.FrameValidator;
import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.operators.BatchingInference;
import clipstream.job.operators.ClipAssemblerOperator;
import clipstream.job.people.FramePoseModel;
import clipstream.job.people.PersonTracker;
import clipstream.job.people.PoseFrameSampler;
import clipstream.job.people.PoseTracking;
import clipstream.job.people.StorePoseModel;
import clipstream.job.records.Clip;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.FramesTopicSource;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.PersonPoses;
import clipstream.schema.flink.AvroRecordTypeInfo;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The clipstream topology: frames are read from Kafka, validated, assembled per camera into clips,
 * classified in batches, and the labelled events written out; whatever is refused on the way goes to the
 * dead-letter topic. Sources, sinks and the model come in through the constructor, so tests can put their
 * own in.
 */
public final class ClipstreamJob {
    static final String JOB_NAME = "clipstream";

    private final JobConfig config;
    private final FrameSize frameSize;
    private final Source<RawRecord, ?, ?> frames;
    private final ClipBatchClassifier model;
    private final Sink<ClipEvent> events;
    private final Sink<DeadLetter> deadLetters;
    private People people;

    /** The people path's parts, when it runs: its settings, the pose model and where the poses go. */
    private record People(PeopleSettings settings, FramePoseModel.Factory model, Sink<PersonPoses> poses) {
    }

    /**
     * @param config    the validated configuration, its clip length already set to the model's
     * @param frameSize the model's input frame size (from its manifest)
     */
    public ClipstreamJob(JobConfig config, FrameSize frameSize, Source<RawRecord, ?, ?> frames,
                         ClipBatchClassifier model, Sink<ClipEvent> events, Sink<DeadLetter> deadLetters) {
        if (config.clips().clipLength() == 0) {
            throw new IllegalArgumentException("the clip length must be resolved from the model first"
                    + " (ClipSettings.forModelClipLength)");
        }
        this.config = config;
        this.frameSize = frameSize;
        this.frames = frames;
        this.model = model;
        this.events = events;
        this.deadLetters = deadLetters;
    }

    /**
     * The production job: frames from Kafka, the model from the store (following its CURRENT when the settings
     * say so), events and dead letters to Kafka, all as {@code config} says.
     */
    public static ClipstreamJob onKafka(JobConfig config, FrameSize frameSize) {
        var kafka = config.kafka();
        return new ClipstreamJob(config, frameSize, FramesTopicSource.kafka(kafka), new StoreClassifier(config.model()),
                KafkaSinks.events(kafka), KafkaSinks.deadLetters(kafka));
    }

    /**
     * Adds the people path: frames sampled by seq go through the pose model at their own size, people are tracked
     * per camera, and their poses go to {@code poses}.
     */
    public ClipstreamJob withPeople(PeopleSettings settings, FramePoseModel.Factory model, Sink<PersonPoses> poses) {
        this.people = new People(settings, model, poses);
        return this;
    }

    /** {@link #withPeople} with the pose model from the store and the poses topic on Kafka. */
    public ClipstreamJob withPeopleOnKafka(PeopleSettings settings) {
        return withPeople(settings, StorePoseModel.factory(config.model(), settings),
                KafkaSinks.poses(config.kafka(), settings.posesTopic()));
    }

    /** Wires the topology into {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        var clipSettings = config.clips();
        var batching = config.batching();

        DataStream<RawRecord> records = env
                .fromSource(frames, FramesTopicSource.captureTime(clipSettings), "frames")
                .uid("frames-source");

        SingleOutputStreamOperator<ValidatedFrame> validFrames = records
                .process(new FrameValidator(frameSize, clipSettings.maxFrameBytes(), clipSettings.captureTimes()))
                .name("validate frames").uid("validate-frames");

        SingleOutputStreamOperator<Clip> clips = validFrames
                .keyBy(ValidatedFrame::cameraId)
                .transform("assemble clips per camera", TypeInformation.of(Clip.class), new ClipAssemblerOperator(
                        new ClipAssembler(clipSettings.clipLength(), clipSettings.stride(), clipSettings.maxGap(),
                                clipSettings.idleTimeout(), clipSettings.maxCameras(),
                                clipSettings.maxPendingFrames(), clipSettings.seqRestart())))
                .uid("assemble-clips");

        SingleOutputStreamOperator<ClipEvent> labelled = clips
                .transform("classify clips in batches", new AvroRecordTypeInfo<>(ClipEvent.class),
                        new BatchingInference(model, batching.size(), batching.timeout(), config.model().topK()))
                .uid("classify-clips");

        labelled.sinkTo(events).name("clip events").uid("clip-events-sink");

        if (people != null) {
            buildPeople(records);
        }

        validFrames.getSideOutput(FrameDeadLetters.OUTPUT)
                .union(clips.getSideOutput(FrameDeadLetters.OUTPUT))
                .sinkTo(deadLetters).name("dead letters").uid("dead-letters-sink");
    }

    private void buildPeople(DataStream<RawRecord> records) {
        var clipSettings = config.clips();
        PeopleSettings settings = people.settings();
        records
                .filter(new PoseFrameSampler(settings.poseEvery()))
                .name("sample frames for poses").uid("sample-pose-frames")
                // at their own size (the pose model letterboxes them); what this refuses, the clip path's
                // validator refuses too and dead-letters once
                .process(new FrameValidator(null, clipSettings.maxFrameBytes(), clipSettings.captureTimes()))
                .name("decode frames for poses").uid("decode-pose-frames")
                .keyBy(ValidatedFrame::cameraId)
                .process(new PoseTracking(people.model(), new PersonTracker(settings.trackMinIou(),
                                settings.trackBirthHits(), settings.trackDeathMisses(), settings.maxTracks()),
                        settings.idleTimeout()), new AvroRecordTypeInfo<>(PersonPoses.class))
                .name("poses and tracks per camera").uid("pose-tracking")
                .sinkTo(people.poses()).name("person poses").uid("person-poses-sink");
    }

    /**
     * Applies the runtime settings to {@code env}: object reuse between chained operators, parallelism, the
     * checkpoint interval and, when given, the checkpoint folder (else the cluster's configured storage applies).
     */
    public void configure(StreamExecutionEnvironment env) {
        // Chained operators hand records on by reference instead of through a serializer copy (without this, every
        // 384 KiB clip and every frame is deep-copied between chained operators: a quarter of the job's allocation,
        // docs/benchmarks.md). Safe for this topology: no operator changes a record it received or emitted, the
        // source's deserializer and every operator build a new record per output, and records an operator keeps
        // (clips waiting for their batch, frames in clip state) are never touched again by the operator that made
        // them.
        env.getConfig().enableObjectReuse();
        var runtime = config.runtime();
        if (runtime.parallelism() > 0) {
            env.setParallelism(runtime.parallelism());
        }
        env.enableCheckpointing(runtime.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        if (runtime.checkpointDir() != null) {
            env.configure(checkpointStorage(runtime.checkpointDir()));
        }
    }

    /**
     * Settings that keep checkpoints in {@code directory} (a URI such as {@code file:///var/checkpoints}). Clip
     * state is megabytes (up to one clip of raw frames per camera), beyond the 5 MiB that Flink's default
     * JobManager-memory storage accepts per task, so every real run needs a checkpoint folder.
     */
    public static Configuration checkpointStorage(String directory) {
        Configuration storage = new Configuration();
        storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        return storage;
    }

    /** Configures, wires and runs the job until it ends (a streaming job: until cancelled). */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        configure(env);
        build(env);
        return env.execute(JOB_NAME);
    }

    /** Configures, wires and submits the job, returning once it is submitted. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        configure(env);
        build(env);
        return env.executeAsync(JOB_NAME);
    }
}

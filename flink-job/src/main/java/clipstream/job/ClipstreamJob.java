package clipstream.job;

import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.PeopleInput;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.PersonActionSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.functions.ClipAssembler;
import clipstream.job.functions.EdgePosesValidator;
import clipstream.job.functions.FrameValidator;
import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.inference.StreamBatchClassifier;
import clipstream.job.operators.BatchingInference;
import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.operators.ClipAssemblerOperator;
import clipstream.job.operators.StreamingInference;
import clipstream.job.people.FramePoseModel;
import clipstream.job.people.PersonClips;
import clipstream.job.people.PersonTracker;
import clipstream.job.people.PoseEstimation;
import clipstream.job.people.PoseFrameSampler;
import clipstream.job.people.PoseFrameStamps;
import clipstream.job.people.PoseRateSampler;
import clipstream.job.people.PoseTracking;
import clipstream.job.people.StorePoseModel;
import clipstream.job.records.Clip;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import clipstream.job.records.UntrackedPoses;
import clipstream.job.records.ValidatedFrame;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.EdgePosesTopicSource;
import clipstream.job.source.FramesTopicSource;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.PersonPoses;
import clipstream.schema.flink.AvroRecordTypeInfo;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The clipstream topology: frames are read from Kafka, validated, assembled per camera into clips,
 * classified in batches, and the labelled events written out; whatever is refused on the way goes to the
 * dead-letter topic. With the people path, the people of each camera's frames (found by the pose model, or sent by
 * edge devices as poses) are tracked per camera, and the tracked poses ({@link #trackedPoses}) written out. Sources,
 * sinks and the models come in through the constructor and the {@code with...} methods, so tests can put their own
 * in.
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
    private PersonActions personActions;
    private DataStream<PersonPoses> trackedPoses;
    private StreamBatchClassifier streamModel;

    /** What classifies each tracked person's clips, when the people model is on. */
    private record PersonActions(PersonActionSettings settings, ClipBatchClassifier model) {
    }

    /**
     * The people path's parts, when it runs: its settings, where its poses come from (the pose model on frames, or
     * the edge devices' source) and where the tracked poses go.
     */
    private record People(PeopleSettings settings, FramePoseModel.Factory model, Source<RawRecord, ?, ?> edgePoses,
                          Sink<PersonPoses> poses) {
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
     * Classifies the frames as streams instead of clip by clip: each camera's frames are assembled into chunks of one
     * stride and run through {@code model}'s stream mode once each, with the camera's state in keyed state
     * ({@link StreamingInference}); the events are those of the clips, as without it. The stride must be a multiple
     * of the model's chunk multiple and divide the clip length ({@link #streamProblem}).
     */
    public ClipstreamJob withStreamInference(StreamBatchClassifier model) {
        String problem = streamProblem(config.clips());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.streamModel = model;
        return this;
    }

    /** Why clips of these settings cannot be classified as streams (a stride that does not divide the clip), or null. */
    public static String streamProblem(ClipSettings clips) {
        if (clips.clipLength() % clips.stride() != 0) {
            return "stream inference needs a stride that divides the clip length: clips of " + clips.clipLength()
                    + " frames, stride " + clips.stride();
        }
        return null;
    }

    /**
     * Adds the people path on frames: frames sampled by seq (or, with a pose rate, by capture time per camera) go
     * through the pose model at their own size, people are tracked per camera, and their poses go to {@code poses}.
     */
    public ClipstreamJob withPeople(PeopleSettings settings, FramePoseModel.Factory model, Sink<PersonPoses> poses) {
        require(settings, PeopleInput.FRAMES);
        this.people = new People(settings, model, null, poses);
        return this;
    }

    /**
     * Adds the people path on edge devices' poses: {@code PersonPoses} records from {@code edgePoses} are validated,
     * their people tracked per camera by the same tracking as on frames (the edge's own track ids are not used), and
     * the tracked poses go to {@code poses}.
     */
    public ClipstreamJob withEdgePeople(PeopleSettings settings, Source<RawRecord, ?, ?> edgePoses,
                                        Sink<PersonPoses> poses) {
        require(settings, PeopleInput.EDGE);
        this.people = new People(settings, null, edgePoses, poses);
        return this;
    }

    /**
     * {@link #withPeople} with the pose model from the store, or {@link #withEdgePeople} with the edge poses topic,
     * as the settings' input says; the tracked poses go to the poses topic on Kafka.
     */
    public ClipstreamJob withPeopleOnKafka(PeopleSettings settings) {
        Sink<PersonPoses> poses = KafkaSinks.poses(config.kafka(), settings.posesTopic());
        return switch (settings.input()) {
            case FRAMES -> withPeople(settings, StorePoseModel.factory(config.model(), settings), poses);
            case EDGE -> withEdgePeople(settings,
                    EdgePosesTopicSource.kafka(config.kafka(), settings.edgePosesTopic()), poses);
        };
    }

    /**
     * Adds per-person actions to the people path: each tracked person's poses are cut into clips
     * ({@link PersonClips}), classified in batches by {@code model} (a keypoint model), and their events — with the
     * person's track and box — go to the events sink with the whole-frame clips' events.
     */
    public ClipstreamJob withPersonActions(PersonActionSettings settings, ClipBatchClassifier model) {
        this.personActions = new PersonActions(settings, model);
        return this;
    }

    /** {@link #withPersonActions} with the people model from the store (following its CURRENT if set to). */
    public ClipstreamJob withPersonActionsFromStore(PersonActionSettings settings) {
        return withPersonActions(settings, new StoreClassifier(settings.model()));
    }

    private void require(PeopleSettings settings, PeopleInput input) {
        if (settings.input() != input) {
            throw new IllegalArgumentException("people settings for --people-input " + settings.input().flagValue()
                    + " given where " + input.flagValue() + " was meant");
        }
        settings.requireTopicsApartFrom(config.kafka());
    }

    /**
     * The people path's tracked poses, as {@link #build} wired them: one {@link PersonPoses} record per posed frame
     * (from the job's pose model or an edge device) with the job's own track ids, the stream written to the poses
     * topic; attach further stages (per-track clips) to it.
     *
     * @throws IllegalStateException before {@link #build}, or when the people path is off
     */
    public DataStream<PersonPoses> trackedPoses() {
        if (trackedPoses == null) {
            throw new IllegalStateException(people == null
                    ? "the people path is off: withPeople or withEdgePeople turns it on"
                    : "the topology is not built yet: call build (or start, execute) first");
        }
        return trackedPoses;
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

        // as streams, the assembler cuts chunks of one stride (gaps filled as for clips) and the model keeps the rest
        int assembled = streamModel != null ? clipSettings.stride() : clipSettings.clipLength();
        SingleOutputStreamOperator<Clip> clips = validFrames
                .keyBy(ValidatedFrame::cameraId)
                .transform(streamModel != null ? "assemble chunks per camera" : "assemble clips per camera",
                        TypeInformation.of(Clip.class), new ClipAssemblerOperator(
                        new ClipAssembler(assembled, clipSettings.stride(), clipSettings.maxGap(),
                                clipSettings.idleTimeout(), clipSettings.maxCameras(),
                                clipSettings.maxPendingFrames(), clipSettings.seqRestart())))
                .uid(streamModel != null ? "assemble-chunks" : "assemble-clips");

        SingleOutputStreamOperator<ClipEvent> labelled = streamModel != null
                // the chunks are still partitioned by camera (same key groups, chained): no second shuffle
                ? DataStreamUtils.reinterpretAsKeyedStream(clips, Clip::cameraId, Types.STRING)
                        .transform("classify chunks as streams", new AvroRecordTypeInfo<>(ClipEvent.class),
                                new StreamingInference(streamModel, clipSettings.clipLength(), clipSettings.stride(),
                                        batching.size(), batching.timeout(), config.model().topK(),
                                        clipSettings.idleTimeout()))
                        .uid("classify-streams")
                : clips.transform("classify clips in batches", new AvroRecordTypeInfo<>(ClipEvent.class),
                        new BatchingInference(model, batching.size(), batching.timeout(), config.model().topK()))
                .uid("classify-clips");

        DataStream<ClipEvent> allEvents = labelled;

        DataStream<DeadLetter> refused = validFrames.getSideOutput(FrameDeadLetters.OUTPUT)
                .union(clips.getSideOutput(FrameDeadLetters.OUTPUT));
        trackedPoses = null;
        if (people != null && people.settings().input() == PeopleInput.FRAMES) {
            // what the tracking refuses (LATE, OVER_CAPACITY) is only counted: the clip path judges the same frames
            // and dead-letters what it refuses, once
            trackedPoses = trackPeople(posesOfFrames(records));
        } else if (people != null) {
            SingleOutputStreamOperator<UntrackedPoses> edge = posesOfEdgeDevices(env);
            SingleOutputStreamOperator<PersonPoses> tracked = trackPeople(edge);
            refused = refused.union(edge.getSideOutput(FrameDeadLetters.OUTPUT),
                    tracked.getSideOutput(FrameDeadLetters.OUTPUT));
            trackedPoses = tracked;
        }
        if (trackedPoses != null) {
            trackedPoses.sinkTo(people.poses()).name("person poses").uid("person-poses-sink");
            if (personActions != null) {
                allEvents = allEvents.union(classifyPeople(trackedPoses));
            }
        } else if (personActions != null) {
            throw new IllegalStateException("person actions need the people path: withPeople or withEdgePeople");
        }
        allEvents.sinkTo(events).name("clip events").uid("clip-events-sink");
        refused.sinkTo(deadLetters).name("dead letters").uid("dead-letters-sink");
    }

    /** The frames sampled for poses through the pose model at their own size: each one's people, untracked. */
    private DataStream<UntrackedPoses> posesOfFrames(DataStream<RawRecord> records) {
        var clipSettings = config.clips();
        return framesToPose(records)
                // at their own size (the pose model letterboxes them); what this refuses, the clip path's
                // validator refuses too and dead-letters once
                .process(new FrameValidator(null, clipSettings.maxFrameBytes(), clipSettings.captureTimes()))
                .name("decode frames for poses").uid("decode-pose-frames")
                .process(new PoseEstimation(people.model(), people.settings().minKeypointScore()),
                        TypeInformation.of(UntrackedPoses.class))
                .name("find poses in frames").uid("find-poses");
    }

    /**
     * The frames that go through the pose model, chosen before their pixels are decoded: with {@code --pose-fps}
     * by capture time per camera (keyed by camera, in checkpointed state), else by seq ({@code --pose-every}).
     */
    private DataStream<RawRecord> framesToPose(DataStream<RawRecord> records) {
        PeopleSettings settings = people.settings();
        if (!settings.posesByTime()) {
            return records.filter(new PoseFrameSampler(settings.poseEvery()))
                    .name("sample frames for poses").uid("sample-pose-frames");
        }
        return records
                .process(new PoseFrameStamps(), TypeInformation.of(StampedRecord.class))
                .name("read frame times for poses").uid("stamp-pose-frames")
                .keyBy(StampedRecord::cameraId)
                .transform("sample frames for poses by time", TypeInformation.of(RawRecord.class),
                        new CameraCountingOperator<>(new PoseRateSampler(settings.poseFps(), settings.idleTimeout(),
                                config.clips().maxCameras())))
                .uid("sample-pose-frames-by-time");
    }

    /**
     * The edge devices' poses, validated (what they refuse goes to the dead letters) and untracked: their own track
     * ids are not trusted. Read from their own topic, never the poses topic the job writes.
     */
    private SingleOutputStreamOperator<UntrackedPoses> posesOfEdgeDevices(StreamExecutionEnvironment env) {
        return env
                .fromSource(people.edgePoses(), EdgePosesTopicSource.captureTime(config.clips()), "edge poses")
                .uid("edge-poses-source")
                .process(new EdgePosesValidator(config.clips().captureTimes()))
                .name("validate edge poses").uid("validate-edge-poses");
    }

    /** Each tracked person's clips, classified in batches by the people model: one event per person and clip. */
    private DataStream<ClipEvent> classifyPeople(DataStream<PersonPoses> tracked) {
        PersonActionSettings settings = personActions.settings();
        var batching = config.batching();
        return tracked
                .keyBy(PersonPoses::getCameraId)
                .process(new PersonClips(settings.clipLength(), settings.stride(), settings.maxGap(),
                        people.settings().maxTracks(), PersonClips.JOINTS, people.settings().idleTimeout()),
                        TypeInformation.of(Clip.class))
                .name("clips per person").uid("person-clips")
                .transform("classify people's clips in batches", new AvroRecordTypeInfo<>(ClipEvent.class),
                        new BatchingInference(personActions.model(), batching.size(), batching.timeout(),
                                settings.model().topK()))
                .uid("classify-person-clips");
    }

    /** One tracking for either input: each camera's people followed from frame to frame, with this job's ids. */
    private SingleOutputStreamOperator<PersonPoses> trackPeople(DataStream<UntrackedPoses> found) {
        PeopleSettings settings = people.settings();
        var clipSettings = config.clips();
        return found
                .keyBy(UntrackedPoses::cameraId)
                .transform("track people per camera", new AvroRecordTypeInfo<>(PersonPoses.class),
                        new CameraCountingOperator<>(new PoseTracking(new PersonTracker(settings.trackMinIou(),
                                settings.trackBirthHits(), settings.trackDeathMisses(), settings.maxTracks()),
                                settings.idleTimeout(), clipSettings.maxCameras(), clipSettings.seqRestart())))
                .uid("pose-tracking");
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

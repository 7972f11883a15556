package clipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.ConfigException;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.PersonActionSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.operators.BrightnessClassifier;
import clipstream.job.records.Clip;
import clipstream.job.records.ClipFrame;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import clipstream.job.records.UntrackedPoses;
import clipstream.job.records.ValidatedFrame;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.EdgePosesTopicSource;
import clipstream.job.source.FramesTopicSource;
import clipstream.schema.PersonPoses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClipstreamJobTopologyTest {

    private static ClipstreamJob job() {
        return job(null);
    }

    private static KafkaSettings kafka() {
        return new KafkaSettings("127.0.0.1:9", "frames", "clip-events", "frames-dlq", "group",
                DeliveryGuarantee.EXACTLY_ONCE, "clipstream", Duration.ofMinutes(15), Map.of());
    }

    private static ClipstreamJob job(String checkpointDir) {
        KafkaSettings kafka = kafka();
        JobConfig config = new JobConfig(kafka,
                new ClipSettings(32, 16, 4, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60), 1 << 20),
                new ModelSettings("model-store", "c3d-small", "1", "cpu", 0, 0, 3),
                new BatchSettings(8, Duration.ofMillis(100)), new RuntimeSettings(2, Duration.ofSeconds(10), checkpointDir));
        return new ClipstreamJob(config, new FrameSize(64, 64), FramesTopicSource.kafka(kafka),
                new BrightnessClassifier("topology"), KafkaSinks.events(kafka), KafkaSinks.deadLetters(kafka));
    }

    @Test
    void everyOperatorHasANameAndAStableUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClipstreamJob job = job();
        job.configure(env);
        job.build(env);

        var graph = env.getStreamGraph();
        List<String> uids = graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).toList();
        assertThat(uids).contains("frames-source", "validate-frames", "assemble-clips", "classify-clips")
                .anySatisfy(uid -> assertThat(uid).startsWith("clip-events-sink"))
                .anySatisfy(uid -> assertThat(uid).startsWith("dead-letters-sink"))
                .doesNotContainNull();
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getOperatorName)
                .contains("validate frames", "assemble clips per camera", "classify clips in batches");
        assertThat(graph.getCheckpointConfig().getCheckpointInterval()).isEqualTo(10_000);
        assertThat(env.getConfig().isObjectReuseEnabled()).as("no serializer copy between chained operators").isTrue();
    }

    @Test
    void aCheckpointFolderReachesTheJobsConfiguration() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClipstreamJob job = job("file:///var/clipstream/checkpoints");
        job.configure(env);
        job.build(env);

        var settings = env.getStreamGraph().getJobConfiguration();
        assertThat(settings.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE))
                .isEqualTo("filesystem");
        assertThat(settings.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///var/clipstream/checkpoints");
    }

    private static List<String> uids(ClipstreamJob job) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.configure(env);
        job.build(env);
        return env.getStreamGraph().getStreamNodes().stream().map(StreamNode::getTransformationUID).toList();
    }

    @Test
    void bothPeopleInputsEndInTheSameTrackingAndTheTrackedPosesAreExposed() {
        KafkaSettings kafka = kafka();
        ClipstreamJob onFrames = job().withPeople(PeopleSettings.of("movenet-multipose", "1", 0, 5, 0.25f, 16, "poses",
                Duration.ofMinutes(1)), () -> {
                    throw new AssertionError("the pose model is opened on a task, not when wiring");
                }, KafkaSinks.poses(kafka, "poses"));
        ClipstreamJob onEdge = job().withEdgePeople(PeopleSettings.edge("edge-poses", 16, "poses",
                Duration.ofMinutes(1)), EdgePosesTopicSource.kafka(kafka, "edge-poses"),
                KafkaSinks.poses(kafka, "poses"));

        assertThat(uids(onFrames)).contains("sample-pose-frames", "decode-pose-frames", "find-poses", "pose-tracking")
                .anySatisfy(uid -> assertThat(uid).startsWith("person-poses-sink"))
                .doesNotContain("edge-poses-source", "validate-edge-poses");
        assertThat(uids(onEdge)).contains("edge-poses-source", "validate-edge-poses", "pose-tracking")
                .anySatisfy(uid -> assertThat(uid).startsWith("person-poses-sink"))
                .doesNotContain("sample-pose-frames", "find-poses");
        assertThat(onFrames.trackedPoses().getType().getTypeClass()).isEqualTo(PersonPoses.class);
        assertThat(onEdge.trackedPoses().getType().getTypeClass()).isEqualTo(PersonPoses.class);
        assertThatThrownBy(() -> job().trackedPoses()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("people path is off");
    }

    @Test
    void aPoseRateChoosesFramesByCaptureTimePerCameraInsteadOfBySeq() {
        KafkaSettings kafka = kafka();
        ClipstreamJob byTime = job().withPeople(PeopleSettings.of("movenet-multipose", "1", 0, 5, 0.25f, 16, "poses",
                Duration.ofMinutes(1)).withPoseFps(10), () -> {
                    throw new AssertionError("the pose model is opened on a task, not when wiring");
                }, KafkaSinks.poses(kafka, "poses"));

        assertThat(uids(byTime)).contains("stamp-pose-frames", "sample-pose-frames-by-time", "decode-pose-frames",
                "find-poses", "pose-tracking").doesNotContain("sample-pose-frames");
    }

    @Test
    void eachTrackedPersonsClipsAreClassifiedAndTheirEventsGoWithTheClipEvents() {
        KafkaSettings kafka = kafka();
        PersonActionSettings actions = new PersonActionSettings(new ModelSettings("/store", "posec3d-small", "1", "cpu",
                0, 0, 3), 32, 16, 8);
        ClipstreamJob people = job().withEdgePeople(PeopleSettings.edge("edge-poses", 16, "poses",
                Duration.ofMinutes(1)), EdgePosesTopicSource.kafka(kafka, "edge-poses"),
                KafkaSinks.poses(kafka, "poses")).withPersonActionsFromStore(actions);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        people.configure(env);
        people.build(env);
        var graph = env.getStreamGraph();
        StreamNode classify = graph.getStreamNodes().stream()
                .filter(n -> "classify-person-clips".equals(n.getTransformationUID())).findFirst().orElseThrow();
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getTransformationUID)
                .contains("pose-tracking", "person-clips", "classify-person-clips", "classify-clips");
        // the people's events and the whole-frame clips' events reach the one events sink
        StreamNode sink = graph.getStreamNodes().stream().filter(n -> n.getTransformationUID() != null
                && n.getTransformationUID().startsWith("clip-events-sink")).findFirst().orElseThrow();
        assertThat(sink.getInEdges()).hasSize(2);
        assertThat(classify.getOutEdges()).isNotEmpty();
        assertThatThrownBy(() -> job().withPersonActionsFromStore(actions).build(
                StreamExecutionEnvironment.getExecutionEnvironment())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("people path");
    }

    @Test
    void theEdgePosesTopicMustBeOneOfItsOwn() {
        KafkaSettings kafka = kafka();
        assertThatThrownBy(() -> job().withEdgePeople(PeopleSettings.edge("frames", 16, "poses", Duration.ofMinutes(1)),
                EdgePosesTopicSource.kafka(kafka, "frames"), KafkaSinks.poses(kafka, "poses")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--edge-poses-topic frames is also --frames-topic");
        assertThatThrownBy(() -> job().withPeopleOnKafka(PeopleSettings.edge("edge-poses", 16, "clip-events",
                Duration.ofMinutes(1))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--poses-topic clip-events is also --events-topic");
    }

    @ParameterizedTest
    @ValueSource(classes = {RawRecord.class, ValidatedFrame.class, ClipFrame.class, Clip.class, UntrackedPoses.class,
            DetectedPerson.class, StampedRecord.class})
    void recordsBetweenOperatorsUseFlinksPojoSerializerNotKryo(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }
}

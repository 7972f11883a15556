package clipstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.operators.BrightnessClassifier;
import clipstream.job.records.Clip;
import clipstream.job.records.ClipFrame;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.FramesTopicSource;
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

    private static ClipstreamJob job(String checkpointDir) {
        KafkaSettings kafka = new KafkaSettings("127.0.0.1:9", "frames", "clip-events", "frames-dlq", "group",
                DeliveryGuarantee.EXACTLY_ONCE, "clipstream", Duration.ofMinutes(15), Map.of());
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

    @ParameterizedTest
    @ValueSource(classes = {RawRecord.class, ValidatedFrame.class, ClipFrame.class, Clip.class})
    void recordsBetweenOperatorsUseFlinksPojoSerializerNotKryo(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }
}

package clipstream.job.source;

import clipstream.job.config.ClipSettings;
import clipstream.job.config.KafkaSettings;
import clipstream.job.records.RawRecord;
import clipstream.schema.PersonPoses;
import java.time.Clock;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The edge devices' poses topic as a Flink source of raw records, read like the frames topic (same consumer group
 * and client properties, read_committed), and their event time: {@code capture_time}, with the frames' bounds.
 */
public final class EdgePosesTopicSource {
    private EdgePosesTopicSource() {
    }

    /**
     * Reads {@code topic} from the group's committed offsets (earliest when there are none), committing on
     * checkpoints.
     */
    public static KafkaSource<RawRecord> kafka(KafkaSettings kafka, String topic) {
        return builder(kafka, topic).build();
    }

    /** The same source, bounded: it ends once it has read up to {@code stop} (replays, tests). */
    public static KafkaSource<RawRecord> kafkaUntil(KafkaSettings kafka, String topic, OffsetsInitializer stop) {
        return builder(kafka, topic).setBounded(stop).build();
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the 5.0.0-2.2 connector has no other way to say it
    private static KafkaSourceBuilder<RawRecord> builder(KafkaSettings kafka, String topic) {
        return KafkaSource.<RawRecord>builder()
                .setProperties(FramesTopicSource.consumerProperties(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId(kafka.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer());
    }

    /**
     * Event time from {@code capture_time} as for frames: the out-of-orderness bound, the idleness period, and
     * capture times outside the settings' window around the wall clock kept out of the watermark.
     */
    public static WatermarkStrategy<RawRecord> captureTime(ClipSettings clips) {
        return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(clips.outOfOrderness())
                .withTimestampAssigner(new CaptureTimeAssigner(PersonPoses.class, clips.captureTimes(),
                        Clock.systemUTC()))
                .withIdleness(clips.sourceIdleness());
    }
}

package clipstream.job.source;

import clipstream.job.config.ClipSettings;
import clipstream.job.config.KafkaSettings;
import clipstream.job.records.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The frames topic as a Flink source of raw records, and the event time the job reads from it. */
public final class FrameSource {
    private FrameSource() {
    }

    /**
     * Reads the frames topic from the group's committed offsets (earliest when there are none), committing
     * on checkpoints; only committed records of transactional producers are read.
     */
    public static KafkaSource<RawRecord> kafka(KafkaSettings kafka) {
        return builder(kafka).build();
    }

    /** The same source, bounded: it ends once it has read up to {@code stop} (replays, tests). */
    public static KafkaSource<RawRecord> kafkaUntil(KafkaSettings kafka, OffsetsInitializer stop) {
        return builder(kafka).setBounded(stop).build();
    }

    @SuppressWarnings("deprecation") // OffsetResetStrategy: the 5.0.0-2.2 connector has no other way to say it
    private static KafkaSourceBuilder<RawRecord> builder(KafkaSettings kafka) {
        return KafkaSource.<RawRecord>builder()
                .setProperties(kafka.clientConfig())
                .setProperty("isolation.level", kafka.clientProperties().getOrDefault("isolation.level", "read_committed"))
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.framesTopic())
                .setGroupId(kafka.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer());
    }

    /**
     * Event time from {@code capture_time}, allowing frames up to the out-of-orderness bound out of order; a
     * partition silent for the idleness period stops holding the watermark back.
     */
    public static WatermarkStrategy<RawRecord> captureTime(ClipSettings clips) {
        return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(clips.outOfOrderness())
                .withTimestampAssigner(new CaptureTimeAssigner())
                .withIdleness(clips.sourceIdleness());
    }
}

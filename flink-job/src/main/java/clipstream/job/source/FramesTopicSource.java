package clipstream.job.source;

import clipstream.job.config.ClipSettings;
import clipstream.job.config.KafkaSettings;
import clipstream.job.records.RawRecord;
import java.time.Clock;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The frames topic as a Flink source of raw records, and the event time the job reads from it. */
public final class FramesTopicSource {
    /**
     * Default {@code fetch.max.bytes} of the frames consumer: 1 MiB (Kafka's is 50 MiB; a response holds up to
     * {@code max.partition.fetch.bytes}, 1 MiB, per partition). The consumer reads a whole fetch response into
     * one heap array, kept alive until every partition's part is polled. Catching up on a backlog of 8 partitions
     * with a larger limit, each response is 8 MiB: G1 allocates it as humongous regions in the old generation,
     * and each one starts a concurrent marking cycle. With 1 MiB responses and the launchers'
     * {@code -XX:G1HeapRegionSize=4m} (objects of 2 MiB and more are humongous) they are ordinary young objects
     * (docs/benchmarks.md, "Humongous fetch buffers"). A {@code kafka.fetch.max.bytes} property overrides it.
     */
    public static final String DEFAULT_FETCH_MAX_BYTES = Integer.toString(1 << 20);

    private FramesTopicSource() {
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
                .setProperties(consumerProperties(kafka))
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.framesTopic())
                .setGroupId(kafka.consumerGroup())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer());
    }

    /**
     * The frames consumer's client properties: the job's {@code kafka.*} properties over its defaults
     * ({@code isolation.level=read_committed}, {@link #DEFAULT_FETCH_MAX_BYTES}).
     */
    public static Properties consumerProperties(KafkaSettings kafka) {
        Properties properties = new Properties();
        properties.setProperty("isolation.level", "read_committed");
        properties.setProperty("fetch.max.bytes", DEFAULT_FETCH_MAX_BYTES);
        properties.putAll(kafka.clientConfig());
        return properties;
    }

    /**
     * Event time from {@code capture_time}, allowing frames up to the out-of-orderness bound out of order; a
     * partition silent for the idleness period stops holding the watermark back. A capture time outside the
     * settings' window around the wall clock does not count (see {@link CaptureTimeAssigner}).
     */
    public static WatermarkStrategy<RawRecord> captureTime(ClipSettings clips) {
        return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(clips.outOfOrderness())
                .withTimestampAssigner(new CaptureTimeAssigner(clips.captureTimes(), Clock.systemUTC()))
                .withIdleness(clips.sourceIdleness());
    }
}

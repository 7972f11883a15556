package clipstream.job.source;

import clipstream.job.records.RawRecord;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a raw frame record: its {@code capture_time}. A record that does not decode gets
 * {@link Long#MIN_VALUE}, so it never moves the watermark (the validator dead-letters it).
 *
 * <p>This reads the record once more than the validator does, which keeps per-partition watermarks in the
 * source, where idleness works per partition; it reads only {@code capture_time} and skips the other fields, so
 * a frame's pixels are not copied a second time.
 */
public final class CaptureTimeAssigner implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;

    private transient RecordDecoder<Frame>.LongField captureTime;

    @Override
    public long extractTimestamp(RawRecord record, long kafkaTimestamp) {
        if (captureTime == null) {
            captureTime = RecordDecoder.of(Frame.class).longField("capture_time");
        }
        try {
            return captureTime.read(record.value());
        } catch (RecordDecodeException e) {
            return Long.MIN_VALUE;
        }
    }
}

package clipstream.job.source;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.records.RawRecord;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a raw frame record (or of an edge device's poses record): its {@code capture_time}. A record that
 * does not decode, or whose capture time lies outside the {@link CaptureTimeWindow} around the wall clock, gets
 * {@link Long#MIN_VALUE}, so it never moves the watermark (the validator dead-letters it): one frame stamped in the
 * year 3000 would otherwise carry the watermark there, and every camera's frames would be behind it from then on.
 *
 * <p>This reads the record once more than the validator does, which keeps per-partition watermarks in the
 * source, where idleness works per partition; it reads only {@code capture_time} and skips the other fields, so
 * a frame's pixels are not copied a second time.
 */
public final class CaptureTimeAssigner implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final Class<? extends SpecificRecord> type;
    private final CaptureTimeWindow window;
    private final Clock clock;

    private transient RecordDecoder<?>.LongField captureTime;

    /** @param clock the wall clock the window is judged on (the validator judges on processing time, the same) */
    public CaptureTimeAssigner(CaptureTimeWindow window, Clock clock) {
        this(Frame.class, window, clock);
    }

    /** The capture time of records of {@code type}, which has a {@code capture_time} field of type long. */
    public CaptureTimeAssigner(Class<? extends SpecificRecord> type, CaptureTimeWindow window, Clock clock) {
        this.type = type;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public long extractTimestamp(RawRecord record, long kafkaTimestamp) {
        if (captureTime == null) {
            captureTime = RecordDecoder.of(type).longField("capture_time");
        }
        long time;
        try {
            time = captureTime.read(record.value());
        } catch (RecordDecodeException e) {
            return Long.MIN_VALUE;
        }
        return window.admits(time, clock.millis()) ? time : Long.MIN_VALUE;
    }
}

package clipstream.job.people;

import clipstream.job.records.RawRecord;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Picks the frames that go through the pose model before anything is decoded: those whose seq is a multiple of
 * {@code every}, read from the record without its pixels. The choice depends on the frame alone, so every run and
 * every replay poses the same frames. Records that do not decode are left to the clip path's validator, which
 * dead-letters them.
 */
public final class PoseFrameSampler implements FilterFunction<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final int every;
    private transient RecordDecoder<Frame>.LongField seq;

    public PoseFrameSampler(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        this.every = every;
    }

    @Override
    public boolean filter(RawRecord record) {
        if (seq == null) {
            seq = RecordDecoder.of(Frame.class).longField("seq");
        }
        try {
            long value = seq.read(record.value());
            return value >= 0 && value % every == 0;
        } catch (RecordDecodeException e) {
            return false;
        }
    }
}

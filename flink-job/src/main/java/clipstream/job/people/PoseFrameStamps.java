package clipstream.job.people;

import clipstream.job.functions.CameraIds;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads each frame record's camera id, seq and capture time for {@link PoseRateSampler}, which chooses frames per
 * camera by time. The image is not decoded: the Avro record is, into one reused {@link Frame} whose pixel buffer is
 * reused too, so a frame costs a copy of its bytes and no allocation. Records that do not decode, or whose camera
 * id or seq the clip path's validator refuses, are left out (counted as {@code poseFramesUnreadable}): that
 * validator dead-letters them, once.
 */
public class PoseFrameStamps extends ProcessFunction<RawRecord, StampedRecord> {
    private static final long serialVersionUID = 1L;

    private transient RecordDecoder<Frame> decoder;
    private transient Frame reused;
    private transient Counter unreadable;

    @Override
    public void open(OpenContext openContext) {
        decoder = RecordDecoder.of(Frame.class);
        unreadable = getRuntimeContext().getMetricGroup().counter("poseFramesUnreadable");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<StampedRecord> out) {
        Frame frame;
        try {
            frame = decoder.decode(record.value(), reused);
        } catch (RecordDecodeException | RuntimeException e) {
            // the decoder's failures on bytes nobody vouches for are the record's fault, never the job's end
            unreadable.inc();
            return;
        }
        reused = frame;
        if (!CameraIds.isValid(frame.getCameraId()) || frame.getSeq() < 0 || frame.getCaptureTime() == null) {
            unreadable.inc();
            return;
        }
        out.collect(new StampedRecord(frame.getCameraId(), frame.getSeq(), frame.getCaptureTime().toEpochMilli(),
                record));
    }
}

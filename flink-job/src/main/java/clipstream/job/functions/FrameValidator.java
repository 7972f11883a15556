package clipstream.job.functions;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.frames.FrameImages;
import clipstream.job.frames.FrameSize;
import clipstream.job.frames.UnreadableImageException;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.ValidatedFrame;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecoder;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes raw frame records and lets through only frames the pipeline can use, decoded and resized to the
 * model's input size. Everything else goes to {@link FrameDeadLetters#OUTPUT} with its original bytes (a bounded
 * prefix of them, see {@link FrameDeadLetters}) and a reason: undecodable bytes, unknown schema, bad camera id, a
 * capture time outside the {@link CaptureTimeWindow} around processing time (the rule the source applies to event
 * time), oversize, inconsistent size or corrupt JPEG. Lateness is not judged here: the clip assembler judges it
 * per camera, by seq. Never throws on bad input.
 */
public class FrameValidator extends ProcessFunction<RawRecord, ValidatedFrame> {
    private static final long serialVersionUID = 1L;

    private final FrameSize target;
    private final int maxFrameBytes;
    private final CaptureTimeWindow captureTimes;

    private transient RecordDecoder<Frame> decoder;
    private transient FrameImages images;
    private transient Counter framesIn;
    private transient Map<DeadLetterReason, Counter> deadLettered;

    /** {@code target}: the size valid frames are scaled to (the action model's input); null keeps their own. */
    public FrameValidator(FrameSize target, int maxFrameBytes, CaptureTimeWindow captureTimes) {
        this.target = target;
        this.maxFrameBytes = maxFrameBytes;
        this.captureTimes = captureTimes;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = RecordDecoder.of(Frame.class);
        images = new FrameImages(target);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        framesIn = metrics.counter("framesIn");
        deadLettered = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, metrics.addGroup("reason", reason.name()).counter("framesDeadLettered"));
        }
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ValidatedFrame> out) {
        framesIn.inc();
        UntrustedRecords.Decoded<Frame> decoded = UntrustedRecords.decode(decoder, record.value());
        if (decoded.refused()) {
            refuse(ctx, record, decoded.reason(), decoded.problem());
            return;
        }
        Frame frame = decoded.record();
        String problem;
        DeadLetterReason reason;
        long width = frame.getWidth();
        long height = frame.getHeight();
        String untimely = captureTimes.refusal(frame.getCaptureTime().toEpochMilli(),
                ctx.timerService().currentProcessingTime());
        if (!CameraIds.isValid(frame.getCameraId())) {
            reason = DeadLetterReason.INVALID_CAMERA_ID;
            problem = "camera id " + CameraIds.quoted(frame.getCameraId()) + " is not 1-128 characters of [A-Za-z0-9._:-]";
        } else if (frame.getSeq() < 0) {
            reason = DeadLetterReason.INVALID_FRAME;
            problem = "seq " + frame.getSeq() + " is negative (a camera counts its frames from 0 up)";
        } else if (untimely != null) {
            reason = DeadLetterReason.INVALID_FRAME;
            problem = untimely;
        } else if (width <= 0 || height <= 0) {
            reason = DeadLetterReason.INVALID_FRAME;
            problem = "frame size " + width + "x" + height + " is not positive";
        } else if (frame.getData().remaining() > maxFrameBytes || width * height * 3 > maxFrameBytes) {
            reason = DeadLetterReason.OVERSIZE;
            problem = "frame " + width + "x" + height + " with " + frame.getData().remaining()
                    + " data bytes is above the limit of " + maxFrameBytes + " bytes (--max-frame-bytes)";
        } else {
            try {
                out.collect(accept(record, frame));
                return;
            } catch (InvalidFrameException e) {
                reason = e.reason;
                problem = e.getMessage();
            }
        }
        refuse(ctx, record, reason, problem);
    }

    private ValidatedFrame accept(RawRecord record, Frame frame) throws InvalidFrameException {
        int width = frame.getWidth();
        int height = frame.getHeight();
        byte[] data = bytesOf(frame.getData());
        if (frame.getEncoding() == null) {
            throw new InvalidFrameException(DeadLetterReason.UNKNOWN_ENCODING, "frame has no encoding");
        }
        byte[] pixels = switch (frame.getEncoding()) {
            case RGB24 -> {
                if (data.length != width * height * 3) {
                    throw new InvalidFrameException(DeadLetterReason.INVALID_FRAME, "RGB24 frame " + width + "x"
                            + height + " needs " + width * height * 3 + " bytes, got " + data.length);
                }
                // data is this decode's own array (the decoder allocates one per record; the record's bytes
                // stay untouched for dead letters): no copy needed at the target size
                yield images.fromOwnedRgb(data, width, height);
            }
            case JPEG -> {
                try {
                    yield images.fromJpeg(data, width, height);
                } catch (UnreadableImageException e) {
                    throw new InvalidFrameException(
                            e.sizeMismatch() ? DeadLetterReason.INVALID_FRAME : DeadLetterReason.CORRUPT_IMAGE,
                            e.getMessage());
                }
            }
            // a schemas jar newer than this job's code may carry symbols this switch does not know
            default -> throw new InvalidFrameException(DeadLetterReason.UNKNOWN_ENCODING,
                    "encoding " + frame.getEncoding() + " is not supported (RGB24, JPEG)");
        };
        FrameSize size = images.target();
        return new ValidatedFrame(frame.getCameraId(), frame.getSeq(), frame.getCaptureTime().toEpochMilli(), pixels,
                size == null ? width : size.width(), size == null ? height : size.height(),
                record.topic(), record.partition(), record.offset());
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private void refuse(Context ctx, RawRecord record, DeadLetterReason reason, String message) {
        deadLettered.get(reason).inc();
        ctx.output(FrameDeadLetters.OUTPUT, FrameDeadLetters.of(record, reason, message + " [" + record.origin() + "]",
                ctx.timerService().currentProcessingTime()));
    }

    /** Why a decoded frame is refused. */
    private static final class InvalidFrameException extends Exception {
        private static final long serialVersionUID = 1L;
        private final DeadLetterReason reason;

        InvalidFrameException(DeadLetterReason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }
}

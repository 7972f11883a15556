package clipstream.it.e2e;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.DecodeFailure;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the job must do with one record of the frames topic, judged from its bytes alone by the rules of the
 * schema and the job's README (decoded with the project's {@link RecordDecoder}, checked in the validator's order):
 * the dead-letter reasons it may get, and whether it may go through without a letter. A frame that passes
 * validation may still be refused by the clip assembler ({@code LATE} by seq, {@code OVER_CAPACITY} beyond
 * {@code --max-cameras}) or dropped as a counted duplicate, which no test can tell from the bytes alone: such a
 * frame may get one of those letters or none. Where the bytes do not settle the outcome (a JPEG whose damage only
 * a decoder can judge, a capture time at an edge of the window while the record waits to be read) the verdict
 * names every admissible reason.
 */
record FuzzVerdict(String why, Set<DeadLetterReason> reasons, boolean mayPass) {
    /** The reasons only the clip assembler gives, to frames that passed validation. */
    static final Set<DeadLetterReason> ASSEMBLER = Collections.unmodifiableSet(
            EnumSet.of(DeadLetterReason.LATE, DeadLetterReason.OVER_CAPACITY));
    /** The camera id rule of {@code Frame.avsc}. */
    private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final RecordDecoder<Frame> FRAMES = RecordDecoder.of(Frame.class);
    /** Bytes a JPEG may lack at its end before its scan data is cut (the EOI marker and slack). */
    private static final int JPEG_TAIL = 16;
    /** The largest width or height libjpeg (inside javax.imageio) reads. */
    private static final int MAX_JPEG_DIMENSION = 65_500;

    /** What the test knows about a JPEG it made (by the exact data bytes), to judge frames that carry it. */
    sealed interface JpegFact {
        /** An encoder's JPEG of this size, untouched. */
        record Intact(int width, int height) implements JpegFact {
        }

        /** An intact JPEG whose frame header (SOF0) was patched to claim this size. */
        record ClaimsSize(int width, int height) implements JpegFact {
        }

        /** The first {@code length} bytes of an intact JPEG of {@code fullLength} bytes and this size. */
        record Truncated(int width, int height, int length, int fullLength) implements JpegFact {
        }
    }

    /** Looks up what the test knows about some JPEG data; null for data it did not make (e.g. bits flipped in it). */
    interface JpegFacts {
        JpegFact of(byte[] data);
    }

    static FuzzVerdict refused(DeadLetterReason reason, String why) {
        return new FuzzVerdict(why, EnumSet.of(reason), false);
    }

    static FuzzVerdict refusedAsOneOf(String why, DeadLetterReason first, DeadLetterReason... rest) {
        return new FuzzVerdict(why, EnumSet.of(first, rest), false);
    }

    static FuzzVerdict valid(String why) {
        return new FuzzVerdict(why, ASSEMBLER, true);
    }

    /** Either refused by the validator with one of {@code reasons}, or a valid frame. */
    static FuzzVerdict unsure(String why, Set<DeadLetterReason> reasons) {
        Set<DeadLetterReason> all = EnumSet.copyOf(reasons);
        all.addAll(ASSEMBLER);
        return new FuzzVerdict(why, all, true);
    }

    /** Whether the job's handling (its letter's reason, or null for no letter) is what this verdict allows. */
    boolean admits(DeadLetterReason letter) {
        return letter == null ? mayPass : reasons.contains(letter);
    }

    /** A short name of the verdict for the summary table: the one reason, "valid", or "unsure". */
    String kind() {
        if (mayPass) {
            return reasons.equals(ASSEMBLER) ? "valid frame" : "unsure " + without(reasons, ASSEMBLER);
        }
        return reasons.size() == 1 ? reasons.iterator().next().name() : "one of " + reasons;
    }

    private static Set<DeadLetterReason> without(Set<DeadLetterReason> all, Set<DeadLetterReason> some) {
        Set<DeadLetterReason> rest = EnumSet.copyOf(all);
        rest.removeAll(some);
        return rest;
    }

    @Override
    public String toString() {
        return kind() + " (" + why + ")";
    }

    /**
     * Judges {@code value}, to be read by the job at some time between {@code readFrom} and {@code readUntil}
     * (epoch milliseconds; the capture-time window moves with the job's clock), with a frame size limit of
     * {@code maxFrameBytes} and the job's default capture-time window.
     */
    static FuzzVerdict judge(byte[] value, JpegFacts jpegs, long readFrom, long readUntil, int maxFrameBytes) {
        Frame frame;
        try {
            frame = FRAMES.decode(value);
        } catch (RecordDecodeException e) {
            return e.failure() == DecodeFailure.UNKNOWN_SCHEMA
                    ? refused(DeadLetterReason.UNKNOWN_SCHEMA, e.getMessage())
                    : refused(DeadLetterReason.UNDECODABLE, e.failure() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // what the decoder should have reported as a decode failure (e.g. Avro's UnsupportedOperationException
            // for a length above 2^31 - 9): the bytes are not a frame all the same
            return refused(DeadLetterReason.UNDECODABLE, "the decoder threw " + e);
        }
        if (!CAMERA_ID.matcher(frame.getCameraId()).matches()) {
            return refused(DeadLetterReason.INVALID_CAMERA_ID, "camera id of " + frame.getCameraId().length() + " chars");
        }
        if (frame.getSeq() < 0) {
            return refused(DeadLetterReason.INVALID_FRAME, "seq " + frame.getSeq());
        }
        long captureTime = frame.getCaptureTime().toEpochMilli();
        boolean inAtFirst = CaptureTimeWindow.DEFAULT.admits(captureTime, readFrom);
        boolean inAtLast = CaptureTimeWindow.DEFAULT.admits(captureTime, readUntil);
        if (!inAtFirst && !inAtLast) {
            return refused(DeadLetterReason.INVALID_FRAME, "capture time " + captureTime + " outside the window");
        }
        FuzzVerdict rest = judgeSizeAndPixels(frame, jpegs, maxFrameBytes);
        if (inAtFirst && inAtLast) {
            return rest;
        }
        // at an edge of the window: refused as INVALID_FRAME or judged on, depending on when the job reads it
        Set<DeadLetterReason> reasons = EnumSet.copyOf(rest.reasons);
        reasons.add(DeadLetterReason.INVALID_FRAME);
        return new FuzzVerdict("capture time " + captureTime + " at an edge of the window, else " + rest.why, reasons,
                rest.mayPass);
    }

    private static FuzzVerdict judgeSizeAndPixels(Frame frame, JpegFacts jpegs, int maxFrameBytes) {
        long width = frame.getWidth();
        long height = frame.getHeight();
        byte[] data = bytes(frame.getData());
        String size = width + "x" + height;
        if (width <= 0 || height <= 0) {
            return refused(DeadLetterReason.INVALID_FRAME, "size " + size);
        }
        if (data.length > maxFrameBytes || width * height * 3 > maxFrameBytes) {
            return refused(DeadLetterReason.OVERSIZE, "size " + size + ", " + data.length + " data bytes");
        }
        if (frame.getEncoding() == FrameEncoding.RGB24) {
            return data.length == width * height * 3 ? valid("RGB24 " + size)
                    : refused(DeadLetterReason.INVALID_FRAME, "RGB24 " + size + " with " + data.length + " bytes");
        }
        return judgeJpeg(data, (int) width, (int) height, jpegs.of(data));
    }

    private static FuzzVerdict judgeJpeg(byte[] data, int width, int height, JpegFact fact) {
        String size = width + "x" + height;
        if (data.length < 2 || data[0] != (byte) 0xFF || data[1] != (byte) 0xD8) {
            return refused(DeadLetterReason.CORRUPT_IMAGE, "JPEG " + size + " without a start-of-image marker");
        }
        if (fact instanceof JpegFact.Intact intact) {
            return intact.width() == width && intact.height() == height ? valid("intact JPEG " + size)
                    : refused(DeadLetterReason.INVALID_FRAME, "intact JPEG " + intact.width() + "x" + intact.height()
                    + " in a frame of " + size);
        }
        if (fact instanceof JpegFact.ClaimsSize claims) {
            String lie = "JPEG header claiming " + claims.width() + "x" + claims.height() + " in a frame of " + size;
            if (!readableSize(claims.width()) || !readableSize(claims.height())) {
                // the decoder refuses such a header outright: unreadable, or read as a size that disagrees
                return refusedAsOneOf(lie, DeadLetterReason.CORRUPT_IMAGE, DeadLetterReason.INVALID_FRAME);
            }
            if (claims.width() != width || claims.height() != height) {
                return refused(DeadLetterReason.INVALID_FRAME, lie);
            }
            // the header agrees with the frame: only decoding the pixels that are there can tell
            return unsure(lie, EnumSet.of(DeadLetterReason.CORRUPT_IMAGE));
        }
        if (fact instanceof JpegFact.Truncated cut) {
            String what = "JPEG cut to " + cut.length() + " of " + cut.fullLength() + " bytes in a frame of " + size;
            if (cut.width() != width || cut.height() != height) {
                // cut before its frame header: unreadable; after it: the size disagrees
                return refusedAsOneOf(what, DeadLetterReason.CORRUPT_IMAGE, DeadLetterReason.INVALID_FRAME);
            }
            return cut.length() <= cut.fullLength() - JPEG_TAIL ? refused(DeadLetterReason.CORRUPT_IMAGE, what)
                    : unsure(what, EnumSet.of(DeadLetterReason.CORRUPT_IMAGE));
        }
        return unsure("JPEG " + size + " of unknown health",
                EnumSet.of(DeadLetterReason.CORRUPT_IMAGE, DeadLetterReason.INVALID_FRAME));
    }

    /** Whether javax.imageio's JPEG reader reads a header with this dimension (it refuses 0 and above 65500). */
    private static boolean readableSize(int dimension) {
        return dimension > 0 && dimension <= MAX_JPEG_DIMENSION;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}

package clipstream.job.records;

/**
 * One frame slot of a clip being assembled: a real frame, or a copy of the previous one standing in for a
 * missing seq ({@code filled}).
 */
public record ClipFrame(long seq, long captureTime, boolean filled, byte[] pixels) {

    public static ClipFrame of(ValidatedFrame frame) {
        return new ClipFrame(frame.seq(), frame.captureTime(), false, frame.pixels());
    }

    /** A stand-in for the missing frame {@code missingSeq}: this frame's pixels and capture time. */
    public ClipFrame fillFor(long missingSeq) {
        return new ClipFrame(missingSeq, captureTime, true, pixels);
    }

    @Override
    public String toString() {
        return "ClipFrame[#" + seq + (filled ? " filled" : "") + "]";
    }
}

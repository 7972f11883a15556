package clipstream.job.frames;

/** Frame pixels that cannot be turned into an image: a JPEG that does not decode, or one of the wrong size. */
public final class UnreadableImageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the image decoded but disagrees with the frame's declared width and height. */
    private final boolean sizeMismatch;

    UnreadableImageException(String message, boolean sizeMismatch) {
        super(message);
        this.sizeMismatch = sizeMismatch;
    }

    public boolean sizeMismatch() {
        return sizeMismatch;
    }
}

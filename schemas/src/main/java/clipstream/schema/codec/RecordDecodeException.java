package clipstream.schema.codec;

/** A value that could not be decoded, with a typed {@link DecodeFailure} and a message that says why. */
public final class RecordDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DecodeFailure failure;

    public RecordDecodeException(DecodeFailure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public RecordDecodeException(DecodeFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public DecodeFailure failure() {
        return failure;
    }
}

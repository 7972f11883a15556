package clipstream.model.store;

/** A model that cannot be stored or loaded as asked: missing, tampered, incomplete or mismatched. */
public final class ModelStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelStoreException(String message) {
        super(message);
    }

    public ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

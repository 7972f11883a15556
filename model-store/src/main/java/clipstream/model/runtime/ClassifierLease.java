package clipstream.model.runtime;

/** A share of a JVM-wide {@link ClipClassifier}; closing the last lease closes the model. */
public interface ClassifierLease extends AutoCloseable {

    ClipClassifier classifier();

    @Override
    void close();
}

package clipstream.model.runtime;

/** A label with the probability the model gave it. */
public record ScoredLabel(String label, float score) {
}

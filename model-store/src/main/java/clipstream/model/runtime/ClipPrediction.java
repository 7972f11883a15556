package clipstream.model.runtime;

import java.util.List;

/** The most likely labels of one clip, best first. */
public record ClipPrediction(List<ScoredLabel> topK) {

    public ClipPrediction {
        if (topK.isEmpty()) {
            throw new IllegalArgumentException("A prediction needs at least one label");
        }
        topK = List.copyOf(topK);
    }

    public String label() {
        return topK.get(0).label();
    }

    public float score() {
        return topK.get(0).score();
    }
}

package clipstream.job.inference;

import clipstream.model.runtime.ClipPrediction;
import clipstream.schema.LabelScore;
import java.util.List;

/** The labels a model gave one clip, most likely first (never empty). */
public record ClipScores(List<LabelScore> topK) {

    public ClipScores {
        if (topK == null || topK.isEmpty()) {
            throw new IllegalArgumentException("a classification has at least one label");
        }
        topK = List.copyOf(topK);
    }

    /** The model runtime's prediction as the event's labels. */
    public static ClipScores of(ClipPrediction prediction) {
        return new ClipScores(prediction.topK().stream().map(l -> new LabelScore(l.label(), l.score())).toList());
    }

    public LabelScore best() {
        return topK.get(0);
    }
}

package clipstream.job.inference;

import clipstream.job.config.ModelSettings;
import clipstream.model.runtime.ClassifierLease;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.runtime.SharedClassifiers;
import clipstream.schema.LabelScore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The production model: a {@link ClipClassifier} from the model store, leased from {@link SharedClassifiers}
 * so all slots of a task manager share one loaded model; the lease is returned when the operator closes.
 */
public final class StoreClassifier implements ClipBatchClassifier {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;

    public StoreClassifier(ModelSettings settings) {
        this.settings = settings;
    }

    /** The model-store options for these settings, thread counts of 0 resolved on this machine. */
    static ClassifierOptions options(ModelSettings settings) {
        int intra = settings.intraOpThreads() > 0 ? settings.intraOpThreads() : Runtime.getRuntime().availableProcessors();
        int inter = settings.interOpThreads() > 0 ? settings.interOpThreads() : 1;
        return new ClassifierOptions(Path.of(settings.storeRoot()), settings.name(), settings.version(),
                settings.device(), intra, inter);
    }

    @Override
    public Session open() {
        ClassifierLease lease = SharedClassifiers.acquire(options(settings));
        ClipClassifier classifier = lease.classifier();
        return new Session() {
            @Override
            public String modelName() {
                return classifier.manifest().name();
            }

            @Override
            public String modelVersion() {
                return classifier.manifest().version();
            }

            @Override
            public List<ClipScores> classify(List<byte[]> clips, int topK) {
                List<ClipPrediction> predictions = classifier.classify(clips, topK);
                List<ClipScores> scores = new ArrayList<>(predictions.size());
                for (ClipPrediction prediction : predictions) {
                    scores.add(new ClipScores(prediction.topK().stream()
                            .map(label -> new LabelScore(label.label(), label.score()))
                            .toList()));
                }
                return scores;
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }
}

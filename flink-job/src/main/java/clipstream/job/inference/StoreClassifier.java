package clipstream.job.inference;

import clipstream.job.config.ModelSettings;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.SharedClassifiers;
import java.nio.file.Path;

/**
 * The production model: a {@link clipstream.model.runtime.ClipClassifier} from the model store, leased from
 * {@link SharedClassifiers} so all slots of a task manager share one loaded model; the lease is returned when the
 * operator closes. With {@link ModelSettings#followsCurrent()}, each session re-reads the store's {@code CURRENT}
 * and switches to a new version without a restart ({@link ModelFollower}).
 */
public final class StoreClassifier implements ClipBatchClassifier {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;

    public StoreClassifier(ModelSettings settings) {
        this.settings = settings;
    }

    /** The model-store options for these settings, thread counts of 0 resolved on this machine. */
    public static ClassifierOptions options(ModelSettings settings) {
        int intra = settings.intraOpThreads() > 0 ? settings.intraOpThreads() : Runtime.getRuntime().availableProcessors();
        int inter = settings.interOpThreads() > 0 ? settings.interOpThreads() : 1;
        return new ClassifierOptions(Path.of(settings.storeRoot()), settings.name(), settings.version(),
                settings.device(), intra, inter, settings.threadSpinning(), settings.precision());
    }

    @Override
    public Session open() {
        return new ModelFollower(options(settings), settings.currentWatch());
    }
}

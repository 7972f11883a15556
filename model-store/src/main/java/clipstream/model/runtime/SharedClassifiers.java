package clipstream.model.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * The one deliberate per-JVM model holder: all task slots of a TaskManager that ask for the same model
 * (same options) share one loaded {@link ClipClassifier}, reference-counted; the last lease to close
 * closes it, so native memory is released when the job stops.
 */
public final class SharedClassifiers {
    private static final Map<ClassifierOptions, Entry> LOADED = new HashMap<>();

    private SharedClassifiers() {
    }

    private static final class Entry {
        final ClipClassifier classifier;
        int leases;

        Entry(ClipClassifier classifier) {
            this.classifier = classifier;
        }
    }

    /** Loads the model on first use in this JVM and returns a lease on it. */
    public static ClassifierLease acquire(ClassifierOptions options) {
        synchronized (LOADED) {
            Entry entry = LOADED.get(options);
            if (entry == null) {
                entry = new Entry(ClipClassifier.open(options));
                LOADED.put(options, entry);
            }
            entry.leases++;
            return new Lease(options, entry);
        }
    }

    /** How many leases on {@code options}' model are open (0: not loaded). */
    public static int leases(ClassifierOptions options) {
        synchronized (LOADED) {
            Entry entry = LOADED.get(options);
            return entry == null ? 0 : entry.leases;
        }
    }

    private static final class Lease implements ClassifierLease {
        private final ClassifierOptions options;
        private final Entry entry;
        private boolean closed;

        Lease(ClassifierOptions options, Entry entry) {
            this.options = options;
            this.entry = entry;
        }

        @Override
        public ClipClassifier classifier() {
            if (closed) {
                throw new IllegalStateException("Lease on " + options.modelName() + " is closed");
            }
            return entry.classifier;
        }

        @Override
        public void close() {
            synchronized (LOADED) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--entry.leases == 0) {
                    LOADED.remove(options);
                    entry.classifier.close();
                }
            }
        }
    }
}

package clipstream.job.inference;

import clipstream.model.runtime.ClassifierLease;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.runtime.SharedClassifiers;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened store model that can follow the store's {@code CURRENT} while the job runs — the model swap.
 *
 * <p>Why a store watch and not a control topic: the store is already the one place a model version becomes
 * current ({@code ./clipstream model train|import} publish, an atomic rename of {@code CURRENT} switches), every
 * task manager reads it anyway to load the model, and a switch needs no second channel that could disagree with
 * it. On a cluster the store is a shared volume. Each inference session re-reads {@code CURRENT} (one small file)
 * at most every {@code watch} when it classifies a batch, so an idle job does no I/O.
 *
 * <p>A new version is loaded on a loader thread of its own while the serving one goes on classifying (a load takes
 * seconds: a batch, and a checkpoint barrier waiting behind it, must not wait for it), and taken at the first batch
 * after the load when all of this holds: it
 * loads from the store with every file matching its manifest's checksums; its input (frames × height × width ×
 * channels) equals the serving version's, because the running job assembles clips of that shape; and one test
 * clip classifies to finite probabilities that sum to 1. Otherwise the version is refused with the reason logged,
 * the serving version keeps serving, and the refused version is not tried again until {@code CURRENT} names
 * another one. The old version's lease is returned after the switch, so its native memory is freed once no task
 * of this JVM uses it. Events carry the version that classified them ({@code model_version}).
 *
 * <p>After a restart from a checkpoint the job starts from the version pinned at submission (or, when that one
 * cannot be loaded any more, from the store's CURRENT) and switches again on its first batch, so replayed clips may
 * be classified by either version; with exactly-once sinks only one result per clip is ever committed.
 */
final class ModelFollower implements ClipBatchClassifier.Session {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);

    private final ClassifierOptions startOptions;
    private final long watchNanos;
    private ClassifierLease lease;
    /** Written by the thread that classifies; volatile so a thread reading the version sees the latest. */
    private volatile ClipClassifier serving;
    private long nextCheck;
    private String refused;
    /** Loads a new version off the classifying thread, so a batch (and a checkpoint barrier behind it) never waits. */
    private final ExecutorService loader;
    private CompletableFuture<ClassifierLease> loading;
    private String loadingVersion;
    private int swaps;
    private int refusals;

    ModelFollower(ClassifierOptions options, Duration watch) {
        this.startOptions = options;
        this.watchNanos = watch.toNanos();
        this.lease = startLease(options, watch);
        this.serving = lease.classifier();
        this.nextCheck = System.nanoTime();
        this.loader = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-loader-" + options.modelName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The version to start from: the one pinned at submission; for a job that follows {@code CURRENT}, the store's
     * CURRENT when the pinned version cannot be loaded any more (a restart long after the job switched away from
     * it and the old version was removed from the store) — a restart must not depend on a version nobody serves.
     */
    private static ClassifierLease startLease(ClassifierOptions options, Duration watch) {
        try {
            return SharedClassifiers.acquire(options);
        } catch (RuntimeException pinnedFailed) {
            if (watch.isZero() || options.version() == null) {
                throw pinnedFailed;
            }
            Optional<String> current = new ModelStore(options.storeRoot()).current(options.modelName());
            if (current.isEmpty() || current.get().equals(options.version())) {
                throw pinnedFailed;
            }
            LOG.warn("Model {} version {} (pinned at submission) cannot be loaded ({}); starting from the store's"
                    + " CURRENT, version {}", options.modelName(), options.version(), pinnedFailed.getMessage(),
                    current.get());
            return SharedClassifiers.acquire(options.withModel(options.modelName(), current.get()));
        }
    }

    @Override
    public String modelName() {
        return serving.manifest().name();
    }

    @Override
    public String modelVersion() {
        return serving.manifest().version();
    }

    @Override
    public List<ClipScores> classify(List<byte[]> clips, int topK) {
        if (loading != null && loading.isDone()) {
            finishLoading();
        }
        if (watchNanos > 0 && System.nanoTime() - nextCheck >= 0) {
            nextCheck = System.nanoTime() + watchNanos;
            startLoadingCurrent();
        }
        List<ClipPrediction> predictions = serving.classify(clips, topK);
        List<ClipScores> scores = new ArrayList<>(predictions.size());
        for (ClipPrediction prediction : predictions) {
            scores.add(ClipScores.of(prediction));
        }
        return scores;
    }

    /**
     * Reads {@code CURRENT} and switches to the version it names when that differs from the serving one and was
     * not refused before, waiting for the load. Returns whether the serving version changed. (Classifying does the
     * same without waiting: the load runs on the loader thread and the switch happens at the first batch after it.)
     */
    boolean followCurrent() {
        startLoadingCurrent();
        if (loading == null) {
            return false;
        }
        try {
            loading.join();
        } catch (RuntimeException failedLoad) {
            // finishLoading reports it
        }
        return finishLoading();
    }

    /** Starts loading the version {@code CURRENT} names, unless it is served, refused or already loading. */
    private void startLoadingCurrent() {
        String name = startOptions.modelName();
        Optional<String> current;
        try {
            current = new ModelStore(startOptions.storeRoot()).current(name);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the CURRENT version of {} in {} ({}); still serving version {}", name,
                    startOptions.storeRoot(), e.getMessage(), modelVersion());
            return;
        }
        if (current.isEmpty() || current.get().equals(modelVersion()) || current.get().equals(refused)
                || current.get().equals(loadingVersion)) {
            return;
        }
        if (loading != null) {
            return; // one load at a time; CURRENT is read again at the next check
        }
        String candidate = current.get();
        loadingVersion = candidate;
        loading = CompletableFuture.supplyAsync(() -> SharedClassifiers.acquire(startOptions.withModel(startOptions.modelName(), candidate)), loader);
    }

    /** Takes the loaded version if it passes the checks, else refuses it. Returns whether the serving one changed. */
    private boolean finishLoading() {
        String candidate = loadingVersion;
        CompletableFuture<ClassifierLease> done = loading;
        loading = null;
        loadingVersion = null;
        ClassifierLease next;
        try {
            next = done.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            refuse(candidate, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return false;
        }
        String problem = problemWith(next.classifier());
        if (problem != null) {
            next.close();
            refuse(candidate, problem);
            return false;
        }
        ClassifierLease old = lease;
        String oldVersion = modelVersion();
        lease = next;
        serving = next.classifier();
        refused = null;
        swaps++;
        old.close();
        LOG.info("Model {} switched from version {} to version {} (the store's CURRENT)", startOptions.modelName(),
                oldVersion, modelVersion());
        return true;
    }

    /** Why {@code candidate} cannot replace the serving model, or null when it can. */
    private String problemWith(ClipClassifier candidate) {
        ModelManifest now = serving.manifest();
        ModelManifest next = candidate.manifest();
        if (!now.input().shape().equals(next.input().shape())) {
            return "its input " + next.input().shape() + " differs from the running job's " + now.input().shape()
                    + " (restart the job to change the clip shape)";
        }
        try {
            List<ClipPrediction> test = candidate.classify(List.of(new byte[candidate.clipBytes()]),
                    next.labels().size());
            double sum = 0;
            for (var label : test.get(0).topK()) {
                if (!Float.isFinite(label.score())) {
                    return "a test clip gave a non-finite score for '" + label.label() + "'";
                }
                sum += label.score();
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return "a test clip's probabilities sum to " + sum + ", not 1";
            }
        } catch (RuntimeException e) {
            return "a test clip failed: " + e.getMessage();
        }
        return null;
    }

    private void refuse(String version, String reason) {
        refused = version;
        refusals++;
        LOG.error("Refusing model {} version {} named by the store's CURRENT: {}. Still serving version {}.",
                startOptions.modelName(), version, reason, modelVersion());
    }

    /** How many times this follower switched versions. */
    int swaps() {
        return swaps;
    }

    /** How many versions this follower refused. */
    int refusals() {
        return refusals;
    }

    /** The version refused last and not yet superseded by another CURRENT, or null. */
    String refusedVersion() {
        return refused;
    }

    @Override
    public void close() {
        loader.shutdownNow();
        if (loading != null) {
            // a version still loading is returned once it is loaded, so its native memory is freed too
            loading.thenAccept(ClassifierLease::close);
        }
        lease.close();
    }
}

package clipstream.job.operators;

import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.ClipEvents;
import clipstream.job.inference.ClipScores;
import clipstream.job.records.Clip;
import clipstream.schema.ClipEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Classifies clips in batches across cameras: a batch runs when {@code batchSize} clips are waiting, when the model
 * is idle (whatever is waiting goes at once: a batch never waits for company while the model has nothing to do), or
 * {@code batchTimeout} after the first of them arrived, whichever comes first. Under load the model is never idle, so
 * batches fill up to {@code batchSize} while it works; at low load each clip is classified as soon as it is complete.
 *
 * <p>The model runs on a thread of its own, one batch at a time, while the task thread goes on assembling the
 * next batches: batch formation overlaps inference instead of leaving the model idle in between. Up to
 * {@value #BATCHES_HANDED} batches are handed to the model thread at once (one classified, the next queued behind
 * it, so the model starts on it the moment the previous one ends instead of waiting for the task thread to emit
 * and hand over) and one more is forming; when that one is full too, the task thread waits (processing only
 * mailbox work), so input stops and Flink backpressures upstream instead of queueing. Results are emitted on the
 * task thread, through its mailbox, in the order the batches were formed. Before each checkpoint barrier every
 * batch handed to the model is finished and emitted; clips still waiting for their batch are part of the
 * operator's checkpointed state, so restoring from a checkpoint classifies each clip exactly once. Each clip
 * becomes a {@link ClipEvent}, stamped with the capture time of its last frame.
 */
public class BatchingInference extends AbstractStreamOperator<ClipEvent>
        implements OneInputStreamOperator<Clip, ClipEvent>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Batches handed to the model thread at most: the one it classifies and the one it takes next. */
    static final int BATCHES_HANDED = 2;

    private final ClipBatchClassifier classifier;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final int topK;
    /** Whether the model runs on its own thread (production) or on the task thread (deterministic tests). */
    private final boolean ownThread;

    private transient List<Clip> waiting;
    private transient ListState<Clip> waitingState;
    private transient ClipBatchClassifier.Session model;
    private transient ModelThread modelThread;
    /** Batches handed to the model and not yet emitted, oldest first; empty when the model is idle. */
    private transient ArrayDeque<InFlight> inFlight;
    private transient ScheduledFuture<?> timeout;
    /** Counts batches taken from {@code waiting}; a timeout armed for an earlier batch finds another number. */
    private transient long batchesTaken;

    private transient InferenceMetrics metrics;

    public BatchingInference(ClipBatchClassifier classifier, int batchSize, Duration batchTimeout, int topK) {
        this(classifier, batchSize, batchTimeout, topK, true);
    }

    private BatchingInference(ClipBatchClassifier classifier, int batchSize, Duration batchTimeout, int topK,
                              boolean modelThread) {
        if (batchSize < 1 || batchTimeout.toMillis() < 1 || topK < 1) {
            throw new IllegalArgumentException("need batchSize >= 1, batchTimeout >= 1ms, topK >= 1; got "
                    + batchSize + ", " + batchTimeout + ", " + topK);
        }
        this.classifier = classifier;
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeout.toMillis();
        this.topK = topK;
        this.ownThread = modelThread;
    }

    /** The operator with the model called on the task thread itself: every batch is done when it is handed over. */
    @VisibleForTesting
    static BatchingInference onTaskThread(ClipBatchClassifier classifier, int batchSize, Duration batchTimeout,
                                          int topK) {
        return new BatchingInference(classifier, batchSize, batchTimeout, topK, false);
    }

    /** A batch handed to the model: its clips and what the model will say about them. */
    private record InFlight(List<Clip> clips, CompletableFuture<Classified> result) {
    }

    /**
     * The model's answer, with the model name and version read on the thread that classified (a model can switch
     * versions between batches: see {@code ModelFollower}) and when the model started on the batch.
     */
    private record Classified(List<ClipScores> scores, long nanos, String modelName, String modelVersion,
                              long startedAtMillis) {
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        waitingState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("clips-waiting-for-a-batch", TypeInformation.of(Clip.class)));
        waiting = new ArrayList<>();
        if (context.isRestored()) {
            waitingState.get().forEach(waiting::add);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        metrics = new InferenceMetrics(getMetricGroup());
        modelThread = ModelThread.of(this, ownThread);
        inFlight = new ArrayDeque<>(BATCHES_HANDED);
        model = modelThread.open(classifier::open);
        dispatch(false);
        if (!waiting.isEmpty()) {
            armTimeout();
        }
    }

    @Override
    public void processElement(StreamRecord<Clip> element) throws Exception {
        waiting.add(element.getValue());
        if (waiting.size() >= batchSize) {
            dispatch(false);
        } else if (modelIdle()) {
            dispatch(true);
        } else if (waiting.size() == 1) {
            armTimeout();
        }
    }

    /**
     * Whether nothing is handed to the model. On the task thread (tests) the model finishes each batch when it is
     * handed over, so it is always idle there: those tests see batches formed by size and timeout only.
     */
    private boolean modelIdle() {
        return modelThread.separate() && inFlight.isEmpty();
    }

    /** On the task thread, once the model has finished a batch: emits it, and hands over what waits if now idle. */
    private void afterModelStep() throws Exception {
        emitDone();
        if (modelIdle() && !waiting.isEmpty()) {
            dispatch(true);
        }
    }

    private void armTimeout() {
        long batch = batchesTaken;
        long due = getProcessingTimeService().getCurrentProcessingTime() + batchTimeoutMs;
        timeout = getProcessingTimeService().registerTimer(due, time -> {
            if (batch == batchesTaken) {
                dispatch(true);
            }
        });
    }

    /**
     * Hands full batches (and with {@code partial}, a last partial one) to the model: while it holds
     * {@value #BATCHES_HANDED} already, waits for the oldest. Re-checks after every wait, since timers and emissions
     * run meanwhile.
     */
    private void dispatch(boolean partial) throws Exception {
        while (waiting.size() >= batchSize || (partial && !waiting.isEmpty())) {
            if (inFlight.size() >= BATCHES_HANDED) {
                awaitStep();
                continue;
            }
            if (timeout != null) {
                timeout.cancel(false);
                timeout = null;
            }
            List<Clip> batch = new ArrayList<>(waiting.subList(0, Math.min(batchSize, waiting.size())));
            waiting.subList(0, batch.size()).clear();
            batchesTaken++;
            submit(batch);
            if (!waiting.isEmpty()) {
                armTimeout();
            }
        }
    }

    private void submit(List<Clip> batch) throws Exception {
        List<byte[]> pixels = new ArrayList<>(batch.size());
        for (Clip clip : batch) {
            pixels.add(clip.pixels());
        }
        LongSupplier clock = getProcessingTimeService()::getCurrentProcessingTime; // read on the model thread
        ClipBatchClassifier.Session session = model;
        CompletableFuture<Classified> result = modelThread.run(() -> {
            long startedAt = clock.getAsLong();
            long started = System.nanoTime();
            List<ClipScores> scores = session.classify(pixels, topK);
            return new Classified(scores, System.nanoTime() - started, session.modelName(), session.modelVersion(),
                    startedAt);
        }, this::afterModelStep, "emit classified clips");
        inFlight.addLast(new InFlight(batch, result));
        emitDone();
    }

    /** One step of waiting for the model: emits the oldest batch if done, else runs one mailbox action. */
    private void awaitStep() throws Exception {
        if (inFlight.peekFirst().result().isDone()) {
            emitDone();
        } else {
            modelThread.yieldToMailbox();
        }
    }

    /** Waits until the model is idle and everything it classified is emitted. */
    private void drainModel() throws Exception {
        while (!inFlight.isEmpty()) {
            awaitStep();
        }
    }

    /** Emits the classified batches at the head of the queue, oldest first; stops at the first still running. */
    private void emitDone() throws Exception {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
            emit(inFlight.pollFirst());
        }
    }

    private void emit(InFlight batch) throws Exception {
        Classified classified = ModelThread.outcome(batch.result(), batch.clips().size(), "clips");
        List<Clip> clips = batch.clips();
        if (classified.scores().size() != clips.size()) {
            throw new IllegalStateException("the model returned " + classified.scores().size() + " results for "
                    + clips.size() + " clips");
        }
        float millis = classified.nanos() / 1e6f;
        for (Clip clip : clips) {
            metrics.waited(clip, classified.startedAtMillis());
        }
        metrics.batch(clips.size(), classified.nanos());
        long now = System.currentTimeMillis();
        for (int i = 0; i < clips.size(); i++) {
            Clip clip = clips.get(i);
            ClipEvent event = ClipEvents.of(clip, classified.scores().get(i), classified.modelName(), classified.modelVersion(),
                    millis);
            output.collect(new StreamRecord<>(event, clip.endTime()));
            metrics.emitted(clip.endTime(), now);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        drainModel(); // the batch in the model goes out before the barrier; waiting clips go into the state
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("a batch is still in the model at the snapshot");
        }
        waitingState.update(waiting);
    }

    @Override
    public void endInput() throws Exception {
        dispatch(true);
        drainModel();
    }

    @Override
    public void finish() throws Exception {
        dispatch(true);
        drainModel();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (modelThread != null) {
                modelThread.close(); // a batch may still be in the model: it finishes before the model is closed
                modelThread = null;
            }
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            super.close();
        }
    }

    /** How many batches are handed to the model and not yet emitted. */
    @VisibleForTesting
    int batchesHanded() {
        return inFlight.size();
    }

    /** How many clips wait for their batch right now (not counting the batches handed to the model). */
    @VisibleForTesting
    int clipsWaiting() {
        return waiting.size();
    }
}

package clipstream.job.functions;

import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.ClipEvents;
import clipstream.job.inference.ClipScores;
import clipstream.job.records.Clip;
import clipstream.schema.ClipEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Classifies clips in batches across cameras: a batch runs when {@code batchSize} clips are waiting or
 * {@code batchTimeout} after the first of them arrived, whichever comes first.
 *
 * <p>The model runs on the task thread, so at most one batch is buffered and one classified at a time: while
 * the model works, input stops and Flink backpressures upstream instead of queueing. Clips still waiting
 * for their batch are part of the operator's checkpointed state, so restoring from a checkpoint taken in the
 * middle of a batch classifies each of them exactly once. Each clip becomes a {@link ClipEvent}, stamped with
 * the capture time of its last frame.
 */
public class BatchingInference extends AbstractStreamOperator<ClipEvent>
        implements OneInputStreamOperator<Clip, ClipEvent>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final int HISTOGRAM_WINDOW = 1024;

    private final ClipBatchClassifier classifier;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final int topK;

    private transient List<Clip> waiting;
    private transient ListState<Clip> waitingState;
    private transient ClipBatchClassifier.Session model;
    private transient ScheduledFuture<?> timeout;
    /** Counts batches run; a timeout armed for an earlier batch finds a different number and does nothing. */
    private transient long batchesRun;

    private transient Counter clipsClassified;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMillis;
    private transient Histogram endToEndMillis;

    public BatchingInference(ClipBatchClassifier classifier, int batchSize, Duration batchTimeout, int topK) {
        if (batchSize < 1 || batchTimeout.toMillis() < 1 || topK < 1) {
            throw new IllegalArgumentException("need batchSize >= 1, batchTimeout >= 1ms, topK >= 1; got "
                    + batchSize + ", " + batchTimeout + ", " + topK);
        }
        this.classifier = classifier;
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeout.toMillis();
        this.topK = topK;
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
        MetricGroup metrics = getMetricGroup();
        clipsClassified = metrics.counter("clipsClassified");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMillis = metrics.histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        endToEndMillis = metrics.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        model = classifier.open();
        if (waiting.size() >= batchSize) {
            runBatches();
        } else if (!waiting.isEmpty()) {
            armTimeout();
        }
    }

    @Override
    public void processElement(StreamRecord<Clip> element) throws Exception {
        waiting.add(element.getValue());
        if (waiting.size() >= batchSize) {
            runBatches();
        } else if (waiting.size() == 1) {
            armTimeout();
        }
    }

    private void armTimeout() {
        long batch = batchesRun;
        long due = getProcessingTimeService().getCurrentProcessingTime() + batchTimeoutMs;
        timeout = getProcessingTimeService().registerTimer(due, time -> {
            if (batch == batchesRun) {
                runBatches();
            }
        });
    }

    /** Classifies everything waiting, {@code batchSize} clips at a time. */
    private void runBatches() throws Exception {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        while (!waiting.isEmpty()) {
            List<Clip> batch = new ArrayList<>(waiting.subList(0, Math.min(batchSize, waiting.size())));
            classify(batch);
            waiting.subList(0, batch.size()).clear();
            batchesRun++;
        }
    }

    private void classify(List<Clip> batch) throws Exception {
        List<byte[]> pixels = new ArrayList<>(batch.size());
        batch.forEach(clip -> pixels.add(clip.pixels()));
        long started = System.nanoTime();
        List<ClipScores> results = model.classify(pixels, topK);
        float millis = (System.nanoTime() - started) / 1e6f;
        if (results.size() != batch.size()) {
            throw new IllegalStateException("the model returned " + results.size() + " results for "
                    + batch.size() + " clips");
        }
        batchSizes.update(batch.size());
        inferenceMillis.update(Math.round(millis));
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size(); i++) {
            Clip clip = batch.get(i);
            ClipEvent event = ClipEvents.of(clip, results.get(i), model.modelName(), model.modelVersion(), millis);
            output.collect(new StreamRecord<>(event, clip.endTime()));
            endToEndMillis.update(now - clip.endTime());
        }
        clipsClassified.inc(batch.size());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        waitingState.update(waiting);
    }

    @Override
    public void endInput() throws Exception {
        runBatches();
    }

    @Override
    public void finish() throws Exception {
        runBatches();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (model != null) {
                model.close();
                model = null;
            }
        } finally {
            super.close();
        }
    }

    /** How many clips wait for their batch right now. */
    @VisibleForTesting
    int clipsWaiting() {
        return waiting.size();
    }
}

package clipstream.job.operators;

import clipstream.job.inference.ClipEvents;
import clipstream.job.inference.StreamBatchClassifier;
import clipstream.job.people.IdleTimers;
import clipstream.job.records.Clip;
import clipstream.schema.ClipEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Classifies each camera's frames as a stream: the input is each camera's consecutive chunks of {@code stride}
 * frames (the clip assembler run with clips of one stride, gaps filled as for clips), keyed by camera; each chunk
 * goes through a stream model once with the state its camera's last chunk left (every temporal layer's last input
 * steps and the last clip's features), and once a camera has sent a whole clip's worth of chunks every chunk gives
 * the event of the clip that ends with it: the same clips, event ids and fields as clip-by-clip classification at
 * that stride, with each frame computed once instead of clip ÷ stride times.
 *
 * <p>A camera's state (in keyed state, checkpointed) belongs to one model version and one run of consecutive
 * chunks: a chunk that does not start right after its camera's last one (a gap the assembler did not fill, a camera
 * restart) or a model version change starts the camera's stream again from zeros (counted as a reset, and the next
 * event comes a whole clip later). A camera silent for the idle timeout is forgotten; the timer restored from a
 * checkpoint does not count the job's outage as the camera's silence ({@link IdleTimers}).
 *
 * <p>Batches across cameras: a batch takes the oldest waiting chunk of up to {@code batchSize} cameras (a camera's next
 * chunk needs the state its last one leaves, so one chunk per camera and batch); a camera's later chunks wait behind
 * its first. A camera whose chunk is in the model can have its next chunk in the batch handed behind it: that chunk
 * takes its state from the model's result, on the model thread, so the model goes from batch to batch without waiting
 * for the task thread to store and read states in between. A batch goes to the model when it is idle
 * (whatever can go goes at once: a chunk never waits for company while the model has nothing to do), when
 * {@code batchSize} cameras have a chunk that can go, {@code batchTimeout} after the first waiting chunk arrived, and
 * before each checkpoint barrier and at the end of input (then everything, so no chunk waits in the snapshot). Memory:
 * when more than {@value #QUEUED_PER_BATCH} × {@code batchSize} chunks wait (a backlog read a run of one camera's
 * frames at a time, as a Kafka source reads partitions), the task thread hands batches over and waits for the model
 * before it takes more input, so Flink backpressures upstream.
 *
 * <p>The model runs on a thread of its own, as in {@link BatchingInference}: while it runs a batch the task thread
 * assembles the next chunks. Up to {@value #BATCHES_HANDED} batches are handed to it at once (a camera in both has
 * its chunk in the second take its state from the first).
 * Keyed state is only read and written on the task thread: a batch's states are read when it is handed over (but for
 * the chunks that take theirs from the batch before), and its next states are stored and its events emitted through
 * the task's mailbox, in the order the batches were formed.
 */
public class StreamingInference extends AbstractStreamOperator<ClipEvent>
        implements OneInputStreamOperator<Clip, ClipEvent>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Chunks that may wait in all, per chunk of batch size, before the task thread waits for the model. */
    static final int QUEUED_PER_BATCH = 4;
    /** Batches handed to the model thread at most: the one it runs and the one it takes next. */
    static final int BATCHES_HANDED = 2;

    private final StreamBatchClassifier classifier;
    private final int clipLength;
    private final int stride;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final int topK;
    private final long idleTimeoutMs;
    /** Whether the model runs on its own thread (production) or on the task thread (deterministic tests). */
    private final boolean ownThread;

    /** The camera's stream state, one float array held by reference (the model's output, never changed in place). */
    private transient ValueState<float[]> layers;
    /** The same state as little-endian bytes, as checkpoints taken before it was kept as floats hold it: read once. */
    private transient ValueState<byte[]> layersAsBytes;
    private transient ValueState<byte[]> position;
    private transient ValueState<Long> idleTimer;
    private transient TimerService timers;
    private transient IdleTimers.Run run;
    private transient StreamBatchClassifier.Session model;
    private transient ModelThread modelThread;
    /** Chunks waiting for their batch, per camera in seq order; the cameras in the order their first chunk came. */
    private transient LinkedHashMap<String, ArrayDeque<Clip>> waiting;
    /** Chunks in {@link #waiting}, all cameras together. */
    private transient int queued;
    /** Batches handed to the model and not yet emitted, oldest first. */
    private transient ArrayDeque<InFlight> inFlight;
    /**
     * The cameras of the batches in {@link #inFlight} (their states are in the model): each one's latest chunk handed
     * over, whose next state a later chunk of the camera takes straight from the model.
     */
    private transient Map<String, Handed> handed;
    private transient ScheduledFuture<?> timeout;
    private transient long batchesTaken;
    /** Chunks that have come in, and how many had when the last batch was handed to the model. */
    private transient long chunksArrived;
    private transient long arrivedAtLastBatch;

    private transient InferenceMetrics metrics;
    private transient Counter chunksClassified;
    private transient Counter streamResets;
    private transient Counter streamsExpired;

    public StreamingInference(StreamBatchClassifier classifier, int clipLength, int stride, int batchSize,
                              Duration batchTimeout, int topK, Duration idleTimeout) {
        this(classifier, clipLength, stride, batchSize, batchTimeout, topK, idleTimeout, true);
    }

    private StreamingInference(StreamBatchClassifier classifier, int clipLength, int stride, int batchSize,
                               Duration batchTimeout, int topK, Duration idleTimeout, boolean modelThread) {
        if (stride < 1 || clipLength % stride != 0 || batchSize < 1 || batchTimeout.toMillis() < 1 || topK < 1
                || idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("need a stride that divides the clip length, batchSize >= 1,"
                    + " batchTimeout >= 1 ms, topK >= 1 and idleTimeout >= 1 ms; got clip " + clipLength + ", stride "
                    + stride + ", " + batchSize + ", " + batchTimeout + ", " + topK + ", " + idleTimeout);
        }
        this.classifier = classifier;
        this.clipLength = clipLength;
        this.stride = stride;
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeout.toMillis();
        this.topK = topK;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.ownThread = modelThread;
    }

    /**
     * The operator with the model called on the task thread itself: every batch is done when it is handed over, so
     * batches form by size, queue length and timeout only (deterministic tests).
     */
    @VisibleForTesting
    static StreamingInference onTaskThread(StreamBatchClassifier classifier, int clipLength, int stride, int batchSize,
                                           Duration batchTimeout, int topK, Duration idleTimeout) {
        return new StreamingInference(classifier, clipLength, stride, batchSize, batchTimeout, topK, idleTimeout,
                false);
    }

    /** A batch handed to the model: its chunks, where each camera's stream stood, and what the model will say. */
    private record InFlight(List<Clip> chunks, List<StreamPosition> positions, CompletableFuture<Stepped> result) {
    }

    /** A camera's latest chunk handed to the model: its batch, its place there, and where the stream stands after it. */
    private record Handed(InFlight batch, int index, StreamPosition next) {
    }

    /** The model's steps for a batch, how long it took and when it started on it. */
    private record Stepped(List<StreamBatchClassifier.Step> steps, long nanos, long startedAtMillis) {
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup group = getMetricGroup();
        metrics = new InferenceMetrics(group);
        chunksClassified = group.counter("chunksClassified");
        streamResets = group.counter("streamResets");
        streamsExpired = group.counter("streamsExpired");
        layers = getPartitionedState(new ValueStateDescriptor<>("stream-layer-floats",
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        layersAsBytes = getPartitionedState(new ValueStateDescriptor<>("stream-layers",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        position = getPartitionedState(new ValueStateDescriptor<>("stream-position", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        idleTimer = getPartitionedState(new ValueStateDescriptor<>("stream-idle-timer", Types.LONG));
        InternalTimerService<VoidNamespace> internal = getInternalTimerService("stream-idle",
                VoidNamespaceSerializer.INSTANCE, this);
        timers = new SimpleTimerService(internal);
        run = new IdleTimers.Run();
        waiting = new LinkedHashMap<>();
        inFlight = new ArrayDeque<>(BATCHES_HANDED);
        handed = new HashMap<>();
        modelThread = ModelThread.of(this, ownThread);
        model = modelThread.open(classifier::open);
        if (stride % model.chunkMultiple() != 0) {
            throw new IllegalStateException(model.modelName() + " version " + model.modelVersion() + " streams chunks"
                    + " of a multiple of " + model.chunkMultiple() + " frames; the stride is " + stride);
        }
    }

    @Override
    public void processElement(StreamRecord<Clip> element) throws Exception {
        Clip chunk = element.getValue();
        if (chunk.frames() != stride) {
            throw new IllegalStateException("a chunk of " + chunk.frames() + " frames came where chunks of " + stride
                    + " are assembled: " + chunk);
        }
        String camera = chunk.cameraId();
        IdleTimers.touch(idleTimer, timers, idleTimeoutMs, run);
        waiting.computeIfAbsent(camera, c -> new ArrayDeque<>()).addLast(chunk);
        queued++;
        chunksArrived++;
        dispatch(idleAndNoBacklog());
        while (queued > QUEUED_PER_BATCH * batchSize) {
            // too much waits: wait for the model, then hand it a batch of what can go, before taking more input
            if (inFlight.size() < BATCHES_HANDED) {
                submit();
            } else {
                awaitStep();
            }
        }
        if (queued > 0 && timeout == null) {
            armTimeout();
        }
    }

    /**
     * Whether nothing is handed to the model. On the task thread (tests) the model finishes each batch when it is
     * handed over, so it is never idle in this sense there: those tests see batches formed by size, queue length and
     * timeout only.
     */
    private boolean modelIdle() {
        return modelThread.separate() && inFlight.isEmpty();
    }

    /**
     * Whether a partial batch should go now: the model is idle, and either no more than a batch waits or no chunk came
     * while the model ran the last batch. More waiting than a batch, with chunks still coming, is a backlog read a run
     * of one camera's frames at a time: its next chunks come faster than the model runs, so the batch waits for
     * other cameras' chunks (up to the queue bound or the timeout) instead of running a few cameras at a time. Once
     * nothing more comes (a burst of one camera, the end of a backlog) what waits goes as soon as the model is free.
     */
    private boolean idleAndNoBacklog() {
        return modelIdle() && (queued <= batchSize || chunksArrived == arrivedAtLastBatch);
    }

    private void armTimeout() {
        long batch = batchesTaken;
        long due = getProcessingTimeService().getCurrentProcessingTime() + batchTimeoutMs;
        timeout = getProcessingTimeService().registerTimer(due, time -> {
            if (batch == batchesTaken) {
                timeout = null;
                dispatch(true);
                if (queued > 0 && timeout == null) {
                    armTimeout();
                }
            }
        });
    }

    /**
     * Cameras with a chunk waiting: each can go in the next batch, a camera whose state is in the model too (its chunk
     * takes that state from the model's result, on the model thread, as the batch starts).
     */
    private int ready() {
        return waiting.size();
    }

    /**
     * Hands over full batches (with {@code partial}, also a last partial one) while the model can take them; never
     * waits. What still waits keeps a timeout.
     */
    private void dispatch(boolean partial) throws Exception {
        while (inFlight.size() < BATCHES_HANDED) {
            int ready = ready();
            if (ready == 0 || (ready < batchSize && !partial)) {
                return;
            }
            submit();
        }
    }

    /** On the task thread, once the model has finished a batch: emits it, and hands over what can go now. */
    private void afterModelStep() throws Exception {
        emitDone();
        dispatch(idleAndNoBacklog());
        if (queued > 0 && timeout == null) {
            armTimeout();
        }
    }

    /** Runs every waiting chunk and waits until everything the model ran is stored and emitted. */
    private void runAll() throws Exception {
        while (queued > 0 || !inFlight.isEmpty()) {
            dispatch(true);
            if (!inFlight.isEmpty()) {
                awaitStep();
            }
        }
    }

    /** One step of waiting for the model: emits the oldest batch if done, else runs one mailbox action. */
    private void awaitStep() throws Exception {
        if (inFlight.isEmpty()) {
            throw new IllegalStateException(queued + " chunk(s) wait and the model has nothing to run");
        }
        if (inFlight.peekFirst().result().isDone()) {
            emitDone();
        } else {
            modelThread.yieldToMailbox();
        }
    }

    /**
     * Takes the oldest waiting chunk of up to {@code batchSize} cameras, finds each one's state (its last chunk's in the
     * model, else in keyed state) and hands the batch to the model.
     */
    private void submit() throws Exception {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        batchesTaken++;
        arrivedAtLastBatch = chunksArrived;
        List<Clip> chunks = new ArrayList<>(Math.min(batchSize, waiting.size()));
        var cameras = waiting.entrySet().iterator();
        while (cameras.hasNext() && chunks.size() < batchSize) {
            ArrayDeque<Clip> own = cameras.next().getValue();
            chunks.add(own.pollFirst());
            if (own.isEmpty()) {
                cameras.remove();
            }
        }
        queued -= chunks.size();
        String version = model.modelVersion();
        int window = clipLength / stride;
        List<byte[]> pixels = new ArrayList<>(chunks.size());
        float[][] states = new float[chunks.size()][];
        // where a chunk's state is the next state of a chunk still in the model: that batch and the chunk's place
        InFlight[] fromBatch = new InFlight[chunks.size()];
        int[] fromIndex = new int[chunks.size()];
        List<StreamPosition> positions = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Clip chunk = chunks.get(i);
            Handed inModel = handed.get(chunk.cameraId());
            StreamPosition at;
            float[] state = null;
            if (inModel != null) {
                at = inModel.next();
            } else {
                setCurrentKey(chunk.cameraId());
                byte[] stored = position.value();
                at = stored == null ? null : StreamPosition.fromBytes(stored);
                state = storedLayers();
            }
            boolean continues = at != null && at.continuedBy(chunk, version)
                    && (inModel != null || (state != null && state.length == model.stateFloats()));
            if (continues && inModel != null) {
                fromBatch[i] = inModel.batch();
                fromIndex[i] = inModel.index();
                positions.add(at);
            } else if (continues) {
                states[i] = state; // by reference: neither the model nor the state backend changes it
                positions.add(at);
            } else {
                if (at != null) {
                    streamResets.inc();
                }
                states[i] = new float[model.stateFloats()];
                positions.add(StreamPosition.start(version, window));
            }
            pixels.add(chunk.pixels());
        }
        LongSupplier clock = getProcessingTimeService()::getCurrentProcessingTime; // read on the model thread
        StreamBatchClassifier.Session session = model;
        CompletableFuture<Stepped> result = modelThread.run(() -> {
            long startedAt = clock.getAsLong();
            long started = System.nanoTime();
            List<float[]> given = new ArrayList<>(states.length);
            for (int i = 0; i < states.length; i++) {
                // the model runs batches in the order they are handed: the one chained on is done (or failed)
                given.add(fromBatch[i] == null ? states[i]
                        : fromBatch[i].result().join().steps().get(fromIndex[i]).nextState());
            }
            List<StreamBatchClassifier.Step> steps = session.step(pixels, given, topK);
            return new Stepped(steps, System.nanoTime() - started, startedAt);
        }, this::afterModelStep, "store stream states and emit");
        InFlight batch = new InFlight(chunks, positions, result);
        inFlight.addLast(batch);
        for (int i = 0; i < chunks.size(); i++) {
            handed.put(chunks.get(i).cameraId(), new Handed(batch, i, positions.get(i).after(chunks.get(i))));
        }
        emitDone();
    }

    /** Stores and emits the finished batches at the head of the queue, oldest first; stops at one still running. */
    private void emitDone() throws Exception {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result().isDone()) {
            emit(inFlight.pollFirst());
        }
    }

    /** Stores each camera's next state and position, and emits the events of the whole clips. */
    private void emit(InFlight batch) throws Exception {
        Stepped stepped = ModelThread.outcome(batch.result(), batch.chunks().size(), "chunks");
        List<Clip> chunks = batch.chunks();
        List<StreamBatchClassifier.Step> steps = stepped.steps();
        if (steps.size() != chunks.size()) {
            throw new IllegalStateException("the model returned " + steps.size() + " results for " + chunks.size()
                    + " chunks");
        }
        float millis = stepped.nanos() / 1e6f;
        metrics.batch(chunks.size(), stepped.nanos());
        chunksClassified.inc(chunks.size());
        String version = model.modelVersion();
        long now = System.currentTimeMillis();
        for (int i = 0; i < chunks.size(); i++) {
            Clip chunk = chunks.get(i);
            Handed latest = handed.get(chunk.cameraId());
            if (latest != null && latest.batch() == batch) {
                handed.remove(chunk.cameraId()); // else a later batch has the camera's next chunk
            }
            setCurrentKey(chunk.cameraId());
            StreamPosition next = batch.positions().get(i).after(chunk);
            layers.update(steps.get(i).nextState());
            position.update(next.toBytes());
            metrics.waited(chunk, stepped.startedAtMillis());
            if (next.wholeClip()) {
                ClipEvent event = ClipEvents.of(next.clipEndingWith(chunk), steps.get(i).scores(), model.modelName(),
                        version, millis);
                output.collect(new StreamRecord<>(event, chunk.endTime()));
                metrics.emitted(chunk.endTime(), now);
            }
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        if (IdleTimers.expired(timer.getTimestamp(), idleTimer, timers, idleTimeoutMs, run)
                && !waiting.containsKey(timer.getKey()) && !handed.containsKey(timer.getKey())) {
            layers.clear();
            layersAsBytes.clear();
            position.clear();
            idleTimer.clear();
            streamsExpired.inc();
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        runAll(); // no chunk waits in a snapshot: its camera's state is stored with the chunk done
    }

    @Override
    public void snapshotState(org.apache.flink.runtime.state.StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (queued > 0 || !inFlight.isEmpty()) {
            // a chunk run after the barrier would have its state in this snapshot and its event after it
            throw new IllegalStateException(queued + " chunk(s) still wait for the model and " + inFlight.size()
                    + " batch(es) are in it at the snapshot");
        }
    }

    @Override
    public void endInput() throws Exception {
        runAll();
    }

    @Override
    public void finish() throws Exception {
        runAll();
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

    /** Streams started again because a chunk did not carry on its camera's last one (or the model changed). */
    @VisibleForTesting
    long resets() {
        return streamResets.getCount();
    }

    /** Cameras forgotten after their idle timeout. */
    @VisibleForTesting
    long expired() {
        return streamsExpired.getCount();
    }

    /** How many batches are handed to the model and not yet emitted. */
    @VisibleForTesting
    int batchesHanded() {
        return inFlight.size();
    }

    /** How many chunks wait for their batch right now (not counting those handed to the model). */
    @VisibleForTesting
    int chunksWaiting() {
        return queued;
    }

    /** How many batches have run. */
    @VisibleForTesting
    long batchesRun() {
        return batchesTaken;
    }

    /**
     * The current camera's stored state: the floats, or once after a restore from a checkpoint that held it as bytes,
     * those bytes read as floats (and dropped: the next chunk stores floats).
     */
    private float[] storedLayers() throws Exception {
        float[] state = layers.value();
        if (state == null) {
            byte[] legacy = layersAsBytes.value();
            if (legacy != null) {
                layersAsBytes.clear();
                state = floats(legacy);
            }
        }
        return state;
    }

    /** A state as little-endian bytes, as checkpoints taken before it was kept as floats hold it. */
    @VisibleForTesting
    static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}

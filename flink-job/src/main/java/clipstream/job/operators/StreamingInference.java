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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
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
 * its first. A batch runs when {@code batchSize} cameras have a chunk waiting, when more than
 * {@value #QUEUED_PER_BATCH} × {@code batchSize} chunks wait in all (a backlog read a run of one camera's frames at a
 * time, as a Kafka source reads partitions: the chunks of several cameras gather and go {@code batchSize} cameras at
 * a time, where running each camera's chunk as it came would give batches of one), {@code batchTimeout} after the
 * first of them arrived (then everything waiting goes), before each checkpoint barrier (so no chunk waits in the
 * snapshot) and at the end of input. Memory: at most that many chunks of {@code stride} frames wait. The model runs
 * on the task thread.
 */
public class StreamingInference extends AbstractStreamOperator<ClipEvent>
        implements OneInputStreamOperator<Clip, ClipEvent>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Chunks that may wait in all, per chunk of batch size, before a batch runs to make room. */
    static final int QUEUED_PER_BATCH = 4;

    private final StreamBatchClassifier classifier;
    private final int clipLength;
    private final int stride;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final int topK;
    private final long idleTimeoutMs;

    private transient ValueState<byte[]> layers;
    private transient ValueState<byte[]> position;
    private transient ValueState<Long> idleTimer;
    private transient TimerService timers;
    private transient IdleTimers.Run run;
    private transient StreamBatchClassifier.Session model;
    /** Chunks waiting for their batch, per camera in seq order; the cameras in the order their first chunk came. */
    private transient LinkedHashMap<String, ArrayDeque<Clip>> waiting;
    /** Chunks in {@link #waiting}, all cameras together. */
    private transient int queued;
    private transient ScheduledFuture<?> timeout;
    private transient long batchesTaken;

    private transient InferenceMetrics metrics;
    private transient Counter chunksClassified;
    private transient Counter streamResets;
    private transient Counter streamsExpired;

    public StreamingInference(StreamBatchClassifier classifier, int clipLength, int stride, int batchSize,
                              Duration batchTimeout, int topK, Duration idleTimeout) {
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
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup group = getMetricGroup();
        metrics = new InferenceMetrics(group);
        chunksClassified = group.counter("chunksClassified");
        streamResets = group.counter("streamResets");
        streamsExpired = group.counter("streamsExpired");
        layers = getPartitionedState(new ValueStateDescriptor<>("stream-layers", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        position = getPartitionedState(new ValueStateDescriptor<>("stream-position", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        idleTimer = getPartitionedState(new ValueStateDescriptor<>("stream-idle-timer", Types.LONG));
        InternalTimerService<VoidNamespace> internal = getInternalTimerService("stream-idle",
                VoidNamespaceSerializer.INSTANCE, this);
        timers = new SimpleTimerService(internal);
        run = new IdleTimers.Run();
        waiting = new LinkedHashMap<>();
        model = classifier.open();
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
        if (queued == 1) {
            armTimeout();
        }
        while (waiting.size() >= batchSize || queued > QUEUED_PER_BATCH * batchSize) {
            runBatch();
        }
    }

    private void armTimeout() {
        long batch = batchesTaken;
        long due = getProcessingTimeService().getCurrentProcessingTime() + batchTimeoutMs;
        timeout = getProcessingTimeService().registerTimer(due, time -> {
            if (batch == batchesTaken) {
                runAll();
            }
        });
    }

    /** Runs batches until no chunk waits. */
    private void runAll() throws Exception {
        while (queued > 0) {
            runBatch();
        }
    }

    /**
     * Runs the oldest waiting chunk of up to {@code batchSize} cameras with each camera's state, stores the next
     * states and emits the whole clips' events; what still waits keeps a timeout.
     */
    private void runBatch() throws Exception {
        if (queued == 0) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        batchesTaken++;
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
        if (queued > 0) {
            armTimeout();
        }
        String version = model.modelVersion();
        int window = clipLength / stride;
        List<byte[]> pixels = new ArrayList<>(chunks.size());
        List<float[]> states = new ArrayList<>(chunks.size());
        List<StreamPosition> positions = new ArrayList<>(chunks.size());
        for (Clip chunk : chunks) {
            setCurrentKey(chunk.cameraId());
            byte[] stored = position.value();
            StreamPosition at = stored == null ? null : StreamPosition.fromBytes(stored);
            byte[] state = layers.value();
            if (at != null && at.continuedBy(chunk, version) && state != null
                    && state.length == model.stateFloats() * Float.BYTES) {
                states.add(floats(state));
                positions.add(at);
            } else {
                if (at != null) {
                    streamResets.inc();
                }
                states.add(new float[model.stateFloats()]);
                positions.add(StreamPosition.start(version, window));
            }
            pixels.add(chunk.pixels());
        }
        long startedAt = getProcessingTimeService().getCurrentProcessingTime();
        long started = System.nanoTime();
        List<StreamBatchClassifier.Step> steps = model.step(pixels, states, topK);
        long nanos = System.nanoTime() - started;
        if (steps.size() != chunks.size()) {
            throw new IllegalStateException("the model returned " + steps.size() + " results for " + chunks.size()
                    + " chunks");
        }
        float millis = nanos / 1e6f;
        metrics.batch(chunks.size(), nanos);
        chunksClassified.inc(chunks.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < chunks.size(); i++) {
            Clip chunk = chunks.get(i);
            setCurrentKey(chunk.cameraId());
            StreamPosition next = positions.get(i).after(chunk);
            layers.update(bytes(steps.get(i).nextState()));
            position.update(next.toBytes());
            metrics.waited(chunk, startedAt);
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
                && !waiting.containsKey(timer.getKey())) {
            layers.clear();
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
        if (queued > 0) {
            // a chunk run after the barrier would have its state in this snapshot and its event after it
            throw new IllegalStateException(queued + " chunk(s) still wait for the model at the snapshot");
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

    /** How many chunks wait for their batch right now. */
    @VisibleForTesting
    int chunksWaiting() {
        return queued;
    }

    /** How many batches have run. */
    @VisibleForTesting
    long batchesRun() {
        return batchesTaken;
    }

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

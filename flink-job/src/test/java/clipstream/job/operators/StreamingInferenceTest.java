package clipstream.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import clipstream.job.config.ModelSettings;
import clipstream.job.inference.ClipEvents;
import clipstream.job.inference.StoreStreamClassifier;
import clipstream.job.inference.StreamBatchClassifier;
import clipstream.job.records.Clip;
import clipstream.model.eval.Evaluation;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelStore;
import clipstream.model.store.Normalization;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.TrainingRun;
import clipstream.model.train.WeightInit;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import clipstream.schema.ClipEvent;
import clipstream.schema.flink.AvroRecordSerializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StreamingInference} with a real stream model ({@code c3d-small-stream} at 16×16, random weights, stored in a
 * temporary store and served by DJL's TensorFlow engine), fed chunks of 16 frames as the assembler cuts them: its
 * events are the clip-by-clip classification's clips (ids, seqs, times, filled frames), the first clip's scores are
 * the clip mode's, a checkpoint in the middle restores every camera's stream exactly, and a gap or an idle camera
 * starts the stream again.
 */
class StreamingInferenceTest {
    private static final int CLIP = 32;
    private static final int STRIDE = 16;
    private static final InputShape INPUT = new InputShape(CLIP, 16, 16, 3);
    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final Duration BATCH_TIMEOUT = Duration.ofMillis(100);

    @TempDir
    static Path store;
    private static String version;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent>> harnesses = new ArrayList<>();

    @BeforeAll
    static void aStreamModel() {
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL_STREAM, INPUT, 3));
        Map<String, float[]> weights = WeightInit.initial(plan, 3);
        version = new TrainingRun(new ModelStore(store), new TrainingOptions(1, 4, 1e-3, 1, 0, 1), null)
                .publish("stream-test", plan, new Normalization(new float[] {128, 128, 128}, new float[] {64, 64, 64}),
                        weights, Evaluation.of(List.of("a", "b", "c"), new int[] {0, 1, 2}, new int[] {0, 1, 2}),
                        List.of(), JsonNodeFactory.instance.objectNode(), 3, 3)
                .manifest().version();
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static ModelSettings settings() {
        return new ModelSettings(store.toString(), "stream-test", version, "cpu", 1, 1, 3);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> harness(int batchSize,
            OperatorSubtaskState restore) throws Exception {
        return harness(StreamingInference.onTaskThread(new StoreStreamClassifier(settings()), CLIP, STRIDE, batchSize,
                BATCH_TIMEOUT, 3, IDLE), restore);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> harness(StreamingInference operator,
            OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, Clip::cameraId, Types.STRING);
        h.setup(new AvroRecordSerializer<>(ClipEvent.class));
        harnesses.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static StreamingInference operator(KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> h) {
        return (StreamingInference) h.getOperator();
    }

    private static int frameBytes() {
        return INPUT.height() * INPUT.width() * INPUT.channels();
    }

    /** Frame {@code seq} of {@code camera}: noise of its own, the same every time it is asked for. */
    private static byte[] frame(String camera, long seq) {
        byte[] pixels = new byte[frameBytes()];
        new Random(camera.hashCode() * 1_000_003L + seq).nextBytes(pixels);
        return pixels;
    }

    private static byte[] frames(String camera, long from, int count) {
        byte[] pixels = new byte[count * frameBytes()];
        for (int i = 0; i < count; i++) {
            System.arraycopy(frame(camera, from + i), 0, pixels, i * frameBytes(), frameBytes());
        }
        return pixels;
    }

    private static long captureTime(long seq) {
        return 1_000_000 + seq * 40;
    }

    /** The frames {@code from}..{@code from + count - 1} of a camera as the assembler emits them, 1 frame filled. */
    private static Clip clip(String camera, long from, int count) {
        return new Clip(camera, from, from + count - 1, captureTime(from), captureTime(from + count - 1), 1,
                frames(camera, from, count), captureTime(from + count - 1) + 5);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> h, Clip chunk)
            throws Exception {
        h.processElement(new StreamRecord<>(chunk, chunk.endTime()));
    }

    /** cam-1's and cam-2's chunks starting at {@code from} up to (not including) {@code to}, the cameras in turn. */
    private static void sendBoth(KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> h, long from, long to)
            throws Exception {
        for (long seq = from; seq < to; seq += STRIDE) {
            send(h, clip("cam-1", seq, STRIDE));
            send(h, clip("cam-2", seq, STRIDE));
        }
    }

    /** The events of cam-1's and cam-2's frames 0 to {@code to} - 1 through one operator on the task thread. */
    private List<ClipEvent> uninterrupted(int batchSize, long to) throws Exception {
        var h = harness(batchSize, null);
        h.setProcessingTime(0);
        sendBoth(h, 0, to);
        h.endInput();
        return h.extractOutputValues();
    }

    /** Each of {@code events} has the event of the same id in {@code expected}, with its label and a score within. */
    private static void assertSameAs(List<ClipEvent> events, List<ClipEvent> expected, double within, String scores) {
        for (ClipEvent event : events) {
            ClipEvent same = expected.stream().filter(e -> e.getEventId().equals(event.getEventId())).findFirst()
                    .orElseThrow();
            assertThat(event.getLabel()).isEqualTo(same.getLabel());
            assertThat((double) event.getScore()).as(scores).isCloseTo(same.getScore(), within(within));
        }
    }

    @Test
    void theStreamGivesTheClipsEventsAndTheFirstClipIsTheClipModes() throws Exception {
        var h = harness(4, null);
        h.setProcessingTime(0);
        for (long seq = 0; seq < 64; seq += STRIDE) {
            send(h, clip("cam-1", seq, STRIDE));
            send(h, clip("cam-2", 1000 + seq, STRIDE));
        }
        h.endInput();
        List<ClipEvent> events = h.extractOutputValues();

        // clip by clip at stride 16 over 64 frames: clips starting at 0, 16 and 32 of each camera
        assertThat(events).hasSize(6);
        for (String camera : List.of("cam-1", "cam-2")) {
            long base = camera.equals("cam-1") ? 0 : 1000;
            List<ClipEvent> own = events.stream().filter(e -> e.getCameraId().equals(camera)).toList();
            assertThat(own).extracting(ClipEvent::getFirstSeq).containsExactly(base, base + 16, base + 32);
            for (ClipEvent event : own) {
                Clip clip = clip(camera, event.getFirstSeq(), CLIP);
                assertThat(event.getEventId()).isEqualTo(ClipEvents.eventId(camera, clip.firstSeq(), clip.startTime(),
                        version));
                assertThat(event.getLastSeq()).isEqualTo(clip.lastSeq());
                assertThat(event.getStartTime().toEpochMilli()).isEqualTo(clip.startTime());
                assertThat(event.getEndTime().toEpochMilli()).isEqualTo(clip.endTime());
                assertThat(event.getFramesFilled()).as("one filled frame per chunk of the clip").isEqualTo(2);
                assertThat(event.getModelName()).isEqualTo("stream-test");
            }
            // the first clip from zero states is the clip mode's answer on it
            try (ClipClassifier clips = ClipClassifier.open(new ClassifierOptions(store, "stream-test", version, "cpu",
                    1, 1))) {
                ClipPrediction expected = clips.classify(List.of(frames(camera, base, CLIP)), 3).get(0);
                assertThat(own.get(0).getLabel()).isEqualTo(expected.topK().get(0).label());
                assertThat((double) own.get(0).getScore()).isCloseTo(expected.topK().get(0).score(), within(1e-4));
            }
        }
        assertThat(operator(h).resets()).isZero();
    }

    @Test
    void aCheckpointInTheMiddleRestoresEveryCamerasStream() throws Exception {
        List<ClipEvent> uninterrupted = uninterrupted(2, 80);

        var first = harness(2, null);
        first.setProcessingTime(0);
        sendBoth(first, 0, 32);
        send(first, clip("cam-1", 32, STRIDE)); // waits for its batch: the barrier must run it first
        assertThat(operator(first).chunksWaiting()).isEqualTo(1);
        first.prepareSnapshotPreBarrier(1);
        assertThat(operator(first).chunksWaiting()).isZero();
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        List<ClipEvent> before = new ArrayList<>(first.extractOutputValues());
        var second = harness(2, snapshot);
        second.setProcessingTime(1);
        send(second, clip("cam-2", 32, STRIDE));
        sendBoth(second, 48, 80);
        second.endInput();
        List<ClipEvent> restored = new ArrayList<>(before);
        restored.addAll(second.extractOutputValues());

        assertThat(restored).hasSameSizeAs(uninterrupted).hasSize(8);
        assertThat(restored).extracting(ClipEvent::getEventId)
                .containsExactlyInAnyOrderElementsOf(uninterrupted.stream().map(ClipEvent::getEventId).toList());
        assertSameAs(restored, uninterrupted, 0, "scores after the restore");
        assertThat(operator(second).resets()).isZero();
    }

    /**
     * A checkpoint taken when the state was kept as little-endian bytes ({@code stream-layers}) restores each
     * camera's stream as exactly as one holding floats: the same events, labels and scores as without the restore.
     */
    @Test
    void aCheckpointThatHeldTheStateAsBytesRestoresEveryCamerasStream() throws Exception {
        List<ClipEvent> uninterrupted = uninterrupted(2, 64);

        var first = harness(2, null);
        first.setProcessingTime(0);
        sendBoth(first, 0, 32);
        first.prepareSnapshotPreBarrier(1);
        // what a checkpoint of the byte-keeping operator held: each camera's state as bytes, no floats
        var backend = operator(first).<String>getKeyedStateBackend();
        var floats = new ValueStateDescriptor<>("stream-layer-floats", PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);
        var bytes = new ValueStateDescriptor<>("stream-layers", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        for (String camera : List.of("cam-1", "cam-2")) {
            backend.setCurrentKey(camera);
            ValueState<float[]> own = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, floats);
            assertThat(own.value()).as(camera + "'s state").isNotNull();
            backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, bytes)
                    .update(StreamingInference.bytes(own.value()));
            own.clear();
        }
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        List<ClipEvent> restored = new ArrayList<>(first.extractOutputValues());
        var second = harness(2, snapshot);
        second.setProcessingTime(1);
        sendBoth(second, 32, 64);
        second.endInput();
        restored.addAll(second.extractOutputValues());

        assertThat(restored).hasSize(uninterrupted.size()).hasSize(6);
        assertSameAs(restored, uninterrupted, 0, "scores after the restore from bytes");
        assertThat(operator(second).resets()).as("the streams went on: nothing started again").isZero();
    }

    @Test
    void aGapStartsTheStreamAgainAndSoDoesAnIdleCamera() throws Exception {
        var h = harness(1, null);
        h.setProcessingTime(0);
        send(h, clip("cam-1", 0, STRIDE));
        send(h, clip("cam-1", 16, STRIDE));
        assertThat(h.extractOutputValues()).hasSize(1);
        // frames 32-47 never came: the stream starts again at 48 and needs a whole clip before its next event
        send(h, clip("cam-1", 48, STRIDE));
        assertThat(h.extractOutputValues()).hasSize(1);
        assertThat(operator(h).resets()).isEqualTo(1);
        send(h, clip("cam-1", 64, STRIDE));
        List<ClipEvent> events = h.extractOutputValues();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).getFirstSeq()).isEqualTo(48);
        try (ClipClassifier clips = ClipClassifier.open(new ClassifierOptions(store, "stream-test", version, "cpu", 1,
                1))) {
            // started again from zeros, as the clip mode sees a clip
            ClipPrediction expected = clips.classify(List.of(frames("cam-1", 48, CLIP)), 3).get(0);
            assertThat((double) events.get(1).getScore()).isCloseTo(expected.topK().get(0).score(), within(1e-4));
        }

        // silent for the idle timeout: forgotten, so its next chunk starts a new stream (not counted as a reset)
        h.setProcessingTime(IDLE.toMillis() + 1);
        assertThat(operator(h).expired()).isEqualTo(1);
        send(h, clip("cam-1", 80, STRIDE));
        assertThat(h.extractOutputValues()).hasSize(2);
        assertThat(operator(h).resets()).isEqualTo(1);
        send(h, clip("cam-1", 96, STRIDE));
        assertThat(h.extractOutputValues()).hasSize(3);
    }

    @Test
    void aBatchRunsWhenTheTimeoutPassesAndACamerasNextChunksWaitBehindItsFirst() throws Exception {
        var h = harness(8, null);
        h.setProcessingTime(0);
        send(h, clip("cam-1", 0, STRIDE));
        send(h, clip("cam-2", 0, STRIDE));
        assertThat(operator(h).chunksWaiting()).isEqualTo(2);
        h.setProcessingTime(BATCH_TIMEOUT.toMillis());
        assertThat(operator(h).chunksWaiting()).isZero();
        assertThat(operator(h).batchesRun()).as("both cameras in one batch").isEqualTo(1);
        send(h, clip("cam-1", 16, STRIDE));
        send(h, clip("cam-1", 32, STRIDE)); // needs the state of the chunk before: it waits behind it
        assertThat(operator(h).chunksWaiting()).isEqualTo(2);
        h.setProcessingTime(2 * BATCH_TIMEOUT.toMillis());
        assertThat(operator(h).chunksWaiting()).isZero();
        assertThat(operator(h).batchesRun()).as("one chunk of a camera per batch").isEqualTo(3);
        assertThat(h.extractOutputValues()).extracting(ClipEvent::getFirstSeq).containsExactly(0L, 16L);
    }

    /**
     * A backlog read a run of one camera's frames at a time (as a Kafka source reads a partition's records): the
     * chunks of several cameras gather, and each batch takes one chunk of every camera, instead of one chunk alone.
     * The events are those of the chunks run one by one.
     */
    @Test
    void aBacklogOfRunsPerCameraIsClassifiedInFullBatches() throws Exception {
        List<String> cameras = List.of("cam-1", "cam-2", "cam-3", "cam-4");
        var batched = harness(4, null);
        batched.setProcessingTime(0);
        for (String camera : cameras) {
            for (long seq = 0; seq < 64; seq += STRIDE) {
                send(batched, clip(camera, seq, STRIDE));
            }
        }
        batched.endInput();
        var oneByOne = harness(1, null);
        oneByOne.setProcessingTime(0);
        for (String camera : cameras) {
            for (long seq = 0; seq < 64; seq += STRIDE) {
                send(oneByOne, clip(camera, seq, STRIDE));
            }
        }
        oneByOne.endInput();

        assertThat(operator(batched).batchesRun()).as("16 chunks of 4 cameras in batches of 4").isEqualTo(4);
        assertThat(operator(oneByOne).batchesRun()).isEqualTo(16);
        List<ClipEvent> events = batched.extractOutputValues();
        assertThat(events).hasSize(12);
        assertSameAs(oneByOne.extractOutputValues(), events, 1e-5, "scores batched and one by one");
    }

    /** A stream model that signals each batch it starts and then waits for the test to let it finish. */
    static final class GatedStreams implements StreamBatchClassifier {
        private static final long serialVersionUID = 1L;
        static final Semaphore STARTED = new Semaphore(0);
        static final Semaphore GATE = new Semaphore(0);
        static final List<Integer> BATCHES = new CopyOnWriteArrayList<>();
        private final StreamBatchClassifier inner;

        GatedStreams(StreamBatchClassifier inner) {
            this.inner = inner;
        }

        @Override
        public Session open() throws Exception {
            Session session = inner.open();
            return new Session() {
                @Override
                public String modelName() {
                    return session.modelName();
                }

                @Override
                public String modelVersion() {
                    return session.modelVersion();
                }

                @Override
                public int chunkMultiple() {
                    return session.chunkMultiple();
                }

                @Override
                public int stateFloats() {
                    return session.stateFloats();
                }

                @Override
                public List<Step> step(List<byte[]> chunks, List<float[]> states, int topK) throws Exception {
                    BATCHES.add(chunks.size());
                    STARTED.release();
                    if (!GATE.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                    return session.step(chunks, states, topK);
                }

                @Override
                public void close() throws Exception {
                    session.close();
                }
            };
        }
    }

    /** The operator with the model on its own thread, behind a fresh gate. */
    private static StreamingInference gated(int batchSize) {
        GatedStreams.STARTED.drainPermits();
        GatedStreams.GATE.drainPermits();
        GatedStreams.BATCHES.clear();
        return new StreamingInference(new GatedStreams(new StoreStreamClassifier(settings())), CLIP, STRIDE, batchSize,
                BATCH_TIMEOUT, 3, IDLE);
    }

    /** A harness on {@code threaded} whose model has taken cam-1's first chunk (and is held at the gate). */
    private KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> withCam1InTheModel(
            StreamingInference threaded) throws Exception {
        var h = harness(threaded, null);
        h.setProcessingTime(0);
        send(h, clip("cam-1", 0, STRIDE));
        assertThat(GatedStreams.STARTED.tryAcquire(10, TimeUnit.SECONDS))
                .as("a lone chunk goes to the idle model without waiting for a batch or its timeout").isTrue();
        return h;
    }

    /** Runs the task's mail until {@code done} holds or 20 s pass. */
    private static void runMailUntil(KeyedOneInputStreamOperatorTestHarness<String, Clip, ClipEvent> h,
                                     BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            var mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else {
                Thread.sleep(5); // polling the mailbox towards a deadline; the assertions after it decide
            }
        }
    }

    /**
     * With the model on its own thread: an idle model takes a chunk at once (no timeout passes), a camera's next chunk
     * waits until its state comes back, and goes the moment it does, and the events are those of the model run on
     * the task thread.
     */
    @Test
    void onItsOwnThreadTheModelTakesAChunkAtOnceAndACamerasNextChunkWaitsForItsState() throws Exception {
        StreamingInference threaded = gated(4);
        var h = withCam1InTheModel(threaded);
        send(h, clip("cam-1", 16, STRIDE));
        assertThat(threaded.chunksWaiting()).as("the model is busy: a partial batch waits for company").isEqualTo(1);
        assertThat(threaded.batchesHanded()).isEqualTo(1);
        send(h, clip("cam-2", 0, STRIDE));
        assertThat(threaded.chunksWaiting()).as("the model is busy: a partial batch waits for company").isEqualTo(2);

        GatedStreams.GATE.release();
        // the first batch back (through the mailbox), the model idle: both waiting chunks go together at once
        runMailUntil(h, GatedStreams.STARTED::tryAcquire);
        assertThat(threaded.chunksWaiting()).as("handed over, the processing time still 0").isZero();
        assertThat(h.extractOutputValues()).as("cam-1 has no whole clip yet").isEmpty();
        GatedStreams.GATE.release(100);
        send(h, clip("cam-2", 16, STRIDE));
        sendBoth(h, 32, 64);
        h.endInput();
        assertThat(threaded.batchesHanded()).isZero();
        assertThat(GatedStreams.BATCHES.subList(0, 2)).containsExactly(1, 2);
        List<ClipEvent> events = h.extractOutputValues();

        List<ClipEvent> expected = uninterrupted(4, 64);
        assertThat(events).hasSize(6);
        assertThat(events).extracting(ClipEvent::getEventId)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(ClipEvent::getEventId).toList());
        assertSameAs(events, expected, 1e-5, "scores on the model thread and on the task thread");
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("clipstream-inference-"));
    }

    /**
     * With the model on its own thread, a camera's next chunk goes in the batch behind its first (the model need not
     * wait for the task thread to store the state and read it back): it takes its state from the model's result, a
     * chunk after a gap starts from zeros there too, and the events are those of the model run on the task thread.
     */
    @Test
    void onItsOwnThreadACamerasNextChunkGoesBehindItsFirstWithTheStateTheModelLeaves() throws Exception {
        StreamingInference threaded = gated(1);
        var h = withCam1InTheModel(threaded);
        send(h, clip("cam-1", 16, STRIDE));
        assertThat(threaded.batchesHanded()).as("cam-1's next chunk is handed behind its first").isEqualTo(2);
        assertThat(threaded.chunksWaiting()).isZero();
        send(h, clip("cam-1", 48, STRIDE)); // frames 32..47 never came
        send(h, clip("cam-1", 64, STRIDE));
        assertThat(threaded.batchesHanded()).isEqualTo(2);
        assertThat(threaded.chunksWaiting()).isEqualTo(2);
        GatedStreams.GATE.release(100);
        h.endInput();
        assertThat(GatedStreams.BATCHES).containsExactly(1, 1, 1, 1);
        List<ClipEvent> events = h.extractOutputValues();

        var reference = harness(1, null);
        reference.setProcessingTime(0);
        for (long seq : new long[] {0, 16, 48, 64}) {
            send(reference, clip("cam-1", seq, STRIDE));
        }
        reference.endInput();
        List<ClipEvent> expected = reference.extractOutputValues();
        assertThat(events).extracting(ClipEvent::getFirstSeq).containsExactly(0L, 48L);
        assertThat(events).extracting(ClipEvent::getEventId)
                .containsExactlyElementsOf(expected.stream().map(ClipEvent::getEventId).toList());
        assertSameAs(events, expected, 0, "scores chained on the model thread and on the task thread");
        assertThat(threaded.resets()).as("the gap started the stream again").isEqualTo(1);
        assertThat(operator(reference).resets()).isEqualTo(1);
    }

    /** Full batches of other cameras are handed behind the one in the model, up to two; then chunks wait. */
    @Test
    void onItsOwnThreadTwoBatchesOfDifferentCamerasAreHandedAtMost() throws Exception {
        StreamingInference threaded = gated(1);
        var h = withCam1InTheModel(threaded);
        send(h, clip("cam-2", 0, STRIDE));
        assertThat(threaded.batchesHanded()).as("a full batch of another camera goes behind").isEqualTo(2);
        send(h, clip("cam-3", 0, STRIDE));
        send(h, clip("cam-1", 16, STRIDE));
        assertThat(threaded.batchesHanded()).isEqualTo(2);
        assertThat(threaded.chunksWaiting()).isEqualTo(2);
        GatedStreams.GATE.release(100);
        h.endInput();
        assertThat(threaded.batchesHanded()).isZero();
        assertThat(GatedStreams.BATCHES).containsExactly(1, 1, 1, 1);
        assertThat(h.extractOutputValues()).extracting(ClipEvent::getCameraId).containsExactly("cam-1");
    }

    /**
     * With the model on its own thread, a backlog of one camera (more than a batch waiting, so the model waits for
     * other cameras' chunks) whose input then stops waits one timeout, and after it goes chunk after chunk as soon
     * as the model is free, not a timeout per chunk.
     */
    @Test
    void onItsOwnThreadABurstOfOneCameraWaitsOneTimeoutNotOnePerChunk() throws Exception {
        StreamingInference threaded = gated(2);
        var h = harness(threaded, null);
        h.setProcessingTime(0);
        for (long seq = 0; seq < 80; seq += STRIDE) {
            send(h, clip("cam-1", seq, STRIDE));
        }
        assertThat(threaded.chunksWaiting()).as("one in the model, four behind it (more than a batch)").isEqualTo(4);
        GatedStreams.GATE.release(100);
        runMailUntil(h, () -> threaded.batchesHanded() == 0);
        assertThat(threaded.chunksWaiting()).as("a backlog: waiting for other cameras' chunks").isEqualTo(4);

        h.setProcessingTime(BATCH_TIMEOUT.toMillis());
        runMailUntil(h, () -> h.extractOutputValues().size() >= 4);
        assertThat(h.extractOutputValues()).extracting(ClipEvent::getFirstSeq).containsExactly(0L, 16L, 32L, 48L);
        assertThat(threaded.chunksWaiting()).isZero();
        assertThat(GatedStreams.BATCHES).containsExactly(1, 1, 1, 1, 1);
    }

    /** With the model on its own thread, the barrier waits for the batches in the model: none is in the snapshot. */
    @Test
    void onItsOwnThreadTheBarrierWaitsForTheModel() throws Exception {
        StreamingInference threaded = gated(4);
        var h = harness(threaded, null);
        h.setProcessingTime(0);
        send(h, clip("cam-1", 0, STRIDE));
        send(h, clip("cam-1", 16, STRIDE));
        assertThat(threaded.batchesHanded()).isEqualTo(1);
        assertThat(threaded.chunksWaiting()).isEqualTo(1);
        GatedStreams.GATE.release(100);
        h.prepareSnapshotPreBarrier(1);
        assertThat(threaded.batchesHanded()).isZero();
        assertThat(threaded.chunksWaiting()).isZero();
        h.snapshot(1, 1);
        assertThat(h.extractOutputValues()).extracting(ClipEvent::getFirstSeq).containsExactly(0L);
    }
}

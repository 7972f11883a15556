package clipstream.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.ClipEvents;
import clipstream.job.inference.ClipScores;
import clipstream.job.records.Clip;
import clipstream.schema.ClipEvent;
import clipstream.schema.flink.AvroRecordSerializer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class BatchingInferenceTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1000);

    private BrightnessClassifier model;
    private BatchingInference operator;
    private OneInputStreamOperatorTestHarness<Clip, ClipEvent> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private OneInputStreamOperatorTestHarness<Clip, ClipEvent> harness(BatchingInference op) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(op,
                TypeInformation.of(Clip.class).createSerializer(new SerializerConfigImpl()));
        h.setup(new AvroRecordSerializer<>(ClipEvent.class));
        return h;
    }

    private void start(TestInfo test, int batchSize) throws Exception {
        model = new BrightnessClassifier(test.getDisplayName());
        operator = BatchingInference.onTaskThread(model, batchSize, TIMEOUT, 2);
        harness = harness(operator);
        harness.open();
        harness.setProcessingTime(0);
    }

    private static Clip clip(String camera, long firstSeq, int brightness) {
        byte[] pixels = new byte[4 * 2 * 2 * 3];
        Arrays.fill(pixels, (byte) brightness);
        return new Clip(camera, firstSeq, firstSeq + 3, 1000 + firstSeq, 1000 + firstSeq + 3, 0, pixels);
    }

    private static void send(OneInputStreamOperatorTestHarness<Clip, ClipEvent> h, Clip clip) throws Exception {
        h.processElement(new StreamRecord<>(clip, clip.endTime()));
    }

    private List<ClipEvent> events() {
        return harness.extractOutputValues();
    }

    /**
     * Runs the mail the model thread posts (as the task thread would) until {@code count} events are out, for at
     * most 10 s.
     */
    private void runMailUntilEvents(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events().size() < count && System.nanoTime() < deadline) {
            var mail = harness.getTaskMailbox().tryTake(org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else {
                Thread.sleep(5); // polling the mailbox towards a deadline; the assertions after it decide
            }
        }
    }

    @Test
    void batchRunsAsSoonAsItIsFull(TestInfo test) throws Exception {
        start(test, 4);
        for (int i = 0; i < 9; i++) {
            send(harness, clip("cam-" + (i % 3), i * 16L, i % 2 == 0 ? 250 : 10));
        }

        assertThat(model.batches()).containsExactly(4, 4);
        assertThat(events()).hasSize(8);
        assertThat(operator.clipsWaiting()).isEqualTo(1);
        assertThat(events()).extracting(ClipEvent::getLabel)
                .containsExactly("bright", "dark", "bright", "dark", "bright", "dark", "bright", "dark");
    }

    @Test
    void partialBatchRunsWhenTheTimeoutAfterItsFirstClipPasses(TestInfo test) throws Exception {
        start(test, 4);
        send(harness, clip("cam-1", 0, 200));
        harness.setProcessingTime(600);
        send(harness, clip("cam-2", 0, 200));
        send(harness, clip("cam-3", 0, 200));

        harness.setProcessingTime(TIMEOUT.toMillis() - 1);
        assertThat(events()).isEmpty();

        harness.setProcessingTime(TIMEOUT.toMillis());
        assertThat(model.batches()).containsExactly(3);
        assertThat(events()).extracting(ClipEvent::getCameraId).containsExactly("cam-1", "cam-2", "cam-3");

        harness.setProcessingTime(5 * TIMEOUT.toMillis());
        assertThat(model.batches()).as("no empty batch from an old timeout").containsExactly(3);
    }

    @Test
    void aFullBatchCancelsItsTimeout(TestInfo test) throws Exception {
        start(test, 2);
        send(harness, clip("cam-1", 0, 200));
        send(harness, clip("cam-2", 0, 200));
        harness.setProcessingTime(TIMEOUT.toMillis() - 10);
        send(harness, clip("cam-3", 0, 200));
        harness.setProcessingTime(TIMEOUT.toMillis() + 10);

        assertThat(model.batches()).as("cam-3's batch waits its own full timeout").containsExactly(2);
        harness.setProcessingTime(2 * TIMEOUT.toMillis() - 10);
        assertThat(model.batches()).containsExactly(2, 1);
    }

    @Test
    void underSustainedInputNoMoreThanOneBatchIsEverHeld(TestInfo test) throws Exception {
        start(test, 8);
        for (int i = 0; i < 1000; i++) {
            send(harness, clip("cam-" + (i % 7), i * 16L, 100));
            assertThat(operator.clipsWaiting()).isLessThan(8);
        }
        assertThat(model.batches()).hasSize(125).allMatch(size -> size == 8);
        assertThat(events()).hasSize(1000);
    }

    @Test
    void eventsCarryTheClipTheLabelsAndADeterministicId(TestInfo test) throws Exception {
        start(test, 1);
        Clip clip = new Clip("cam-7", 32, 63, 5000, 6240, 3, new byte[12]);
        send(harness, clip);

        ClipEvent event = events().get(0);
        assertThat(event.getEventId()).isEqualTo(ClipEvents.eventId("cam-7", 32, 5000, "v1"))
                .isNotEqualTo(ClipEvents.eventId("cam-7", 48, 5000, "v1"))
                .isNotEqualTo(ClipEvents.eventId("cam-7", 32, 9000, "v1"))
                .isNotEqualTo(ClipEvents.eventId("cam-7", 32, 5000, "v2"));
        assertThat(event.getFirstSeq()).isEqualTo(32);
        assertThat(event.getLastSeq()).isEqualTo(63);
        assertThat(event.getStartTime().toEpochMilli()).isEqualTo(5000);
        assertThat(event.getEndTime().toEpochMilli()).isEqualTo(6240);
        assertThat(event.getFramesFilled()).isEqualTo(3);
        assertThat(event.getLabel()).isEqualTo("dark");
        assertThat(event.getTopK()).hasSize(2);
        assertThat(event.getTopK().get(0).getLabel()).isEqualTo("dark");
        assertThat(event.getModelName()).isEqualTo("brightness");
        assertThat(event.getModelVersion()).isEqualTo("v1");
        assertThat(harness.getOutput()).singleElement()
                .satisfies(r -> assertThat(((StreamRecord<?>) r).getTimestamp()).isEqualTo(6240));
    }

    @Test
    void restoreFromASnapshotTakenMidBatchLosesAndDuplicatesNothing(TestInfo test) throws Exception {
        start(test, 4);
        send(harness, clip("cam-1", 0, 200));
        send(harness, clip("cam-2", 0, 200));
        send(harness, clip("cam-3", 0, 200));
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        assertThat(events()).isEmpty();
        // the task fails here: the clips waiting in this instance are never classified by it

        BrightnessClassifier restoredModel = new BrightnessClassifier(test.getDisplayName() + " restored");
        BatchingInference restored = BatchingInference.onTaskThread(restoredModel, 4, TIMEOUT, 2);
        var restoredHarness = harness(restored);
        restoredHarness.initializeState(snapshot);
        restoredHarness.open();
        try {
            assertThat(restored.clipsWaiting()).isEqualTo(3);
            send(restoredHarness, clip("cam-4", 0, 200));

            assertThat(restoredModel.batches()).containsExactly(4);
            assertThat(restoredHarness.extractOutputValues()).extracting(ClipEvent::getCameraId)
                    .containsExactly("cam-1", "cam-2", "cam-3", "cam-4");
        } finally {
            restoredHarness.close();
        }
    }

    @Test
    void restoreAfterABatchRanDoesNotClassifyItAgain(TestInfo test) throws Exception {
        start(test, 2);
        send(harness, clip("cam-1", 0, 200));
        send(harness, clip("cam-2", 0, 200));
        send(harness, clip("cam-3", 0, 200));
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);

        BrightnessClassifier restoredModel = new BrightnessClassifier(test.getDisplayName() + " restored");
        BatchingInference restored = BatchingInference.onTaskThread(restoredModel, 2, TIMEOUT, 2);
        var restoredHarness = harness(restored);
        restoredHarness.initializeState(snapshot);
        restoredHarness.open();
        try {
            restoredHarness.setProcessingTime(10 * TIMEOUT.toMillis());
            assertThat(restoredHarness.extractOutputValues()).extracting(ClipEvent::getCameraId)
                    .containsExactly("cam-3");
        } finally {
            restoredHarness.close();
        }
    }

    @Test
    void onItsOwnThreadTheModelClassifiesWhileTheNextBatchFormsAndEverythingIsEmittedInOrder(TestInfo test)
            throws Exception {
        model = new BrightnessClassifier(test.getDisplayName());
        operator = new BatchingInference(model, 4, TIMEOUT, 2);
        harness = harness(operator);
        harness.open();
        harness.setProcessingTime(0);
        for (int i = 0; i < 12; i++) {
            send(harness, clip("cam-" + i, 0, 200));
            assertThat(operator.clipsWaiting()).as("one batch forming").isLessThan(4);
            assertThat(operator.batchesHanded()).as("at most two handed to the model").isLessThanOrEqualTo(2);
        }
        runMailUntilEvents(12);

        // a clip that finds the model idle goes at once (this model is fast: often alone); batches are never larger
        // than 4, and every clip is classified once
        assertThat(model.batches()).allMatch(size -> size >= 1 && size <= 4);
        assertThat(model.batches().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
        assertThat(events()).extracting(ClipEvent::getCameraId)
                .containsExactly("cam-0", "cam-1", "cam-2", "cam-3", "cam-4", "cam-5", "cam-6", "cam-7", "cam-8",
                        "cam-9", "cam-10", "cam-11");
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("clipstream-inference-"));
    }

    /** A model that signals each batch it starts and then waits for the test to let it finish. */
    static final class GatedClassifier implements ClipBatchClassifier {
        private static final long serialVersionUID = 1L;
        static final Semaphore STARTED = new Semaphore(0);
        static final Semaphore GATE = new Semaphore(0);
        private final BrightnessClassifier scores;

        GatedClassifier(BrightnessClassifier scores) {
            this.scores = scores;
        }

        @Override
        public Session open() throws Exception {
            Session inner = scores.open();
            return new Session() {
                @Override
                public String modelName() {
                    return inner.modelName();
                }

                @Override
                public String modelVersion() {
                    return inner.modelVersion();
                }

                @Override
                public List<ClipScores> classify(List<byte[]> clips, int topK) throws Exception {
                    STARTED.release();
                    if (!GATE.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                    return inner.classify(clips, topK);
                }

                @Override
                public void close() throws Exception {
                    inner.close();
                }
            };
        }
    }

    @Test
    void theModelStartsTheNextHandedBatchWithoutWaitingForTheTaskThread(TestInfo test) throws Exception {
        GatedClassifier.STARTED.drainPermits();
        GatedClassifier.GATE.drainPermits();
        model = new BrightnessClassifier(test.getDisplayName());
        operator = new BatchingInference(new GatedClassifier(model), 2, TIMEOUT, 2);
        harness = harness(operator);
        harness.open();
        harness.setProcessingTime(0);
        for (int i = 0; i < 3; i++) {
            send(harness, clip("cam-" + i, 0, 200));
        }
        assertThat(GatedClassifier.STARTED.tryAcquire(10, TimeUnit.SECONDS)).as("first batch started").isTrue();
        assertThat(operator.batchesHanded()).as("one classifying, one queued behind it").isEqualTo(2);
        assertThat(operator.clipsWaiting()).isZero();

        GatedClassifier.GATE.release();
        // the task thread (this one) runs no mail here: the model goes on to the queued batch by itself
        assertThat(GatedClassifier.STARTED.tryAcquire(10, TimeUnit.SECONDS)).as("second batch started").isTrue();
        assertThat(events()).as("nothing emitted off the task thread").isEmpty();

        GatedClassifier.GATE.release();
        runMailUntilEvents(3);
        assertThat(events()).extracting(ClipEvent::getCameraId).containsExactly("cam-0", "cam-1", "cam-2");
        assertThat(operator.batchesHanded()).isZero();
        assertThat(model.batches()).as("cam-0 alone: the model was idle").containsExactly(1, 2);
    }

    @Test
    void anIdleModelTakesAClipAtOnceAndWhatWaitedGoesTheMomentItIsFree(TestInfo test) throws Exception {
        GatedClassifier.STARTED.drainPermits();
        GatedClassifier.GATE.drainPermits();
        model = new BrightnessClassifier(test.getDisplayName());
        operator = new BatchingInference(new GatedClassifier(model), 4, TIMEOUT, 2);
        harness = harness(operator);
        harness.open();
        harness.setProcessingTime(0);

        send(harness, clip("cam-0", 0, 200));
        assertThat(GatedClassifier.STARTED.tryAcquire(10, TimeUnit.SECONDS))
                .as("a lone clip goes to the idle model without waiting for a batch or its timeout").isTrue();
        send(harness, clip("cam-1", 0, 200));
        send(harness, clip("cam-2", 0, 200));
        assertThat(operator.clipsWaiting()).as("the model is busy: they wait").isEqualTo(2);

        GatedClassifier.GATE.release();
        runMailUntilEvents(1);
        assertThat(GatedClassifier.STARTED.tryAcquire(10, TimeUnit.SECONDS))
                .as("the waiting clips go as soon as the model is free, the processing time still 0").isTrue();
        assertThat(operator.clipsWaiting()).isZero();

        GatedClassifier.GATE.release();
        runMailUntilEvents(3);
        assertThat(model.batches()).containsExactly(1, 2);
        assertThat(events()).extracting(ClipEvent::getCameraId).containsExactly("cam-0", "cam-1", "cam-2");
    }

    @Test
    void modelIsOpenedOnOpenAndClosedOnClose(TestInfo test) throws Exception {
        start(test, 4);
        assertThat(model.openSessions()).isEqualTo(1);
        harness.close();
        harness = null;
        assertThat(model.openSessions()).isZero();
    }
}

package clipstream.job.functions;

import static clipstream.job.functions.TestFrames.captureTime;
import static clipstream.job.functions.TestFrames.frame;
import static clipstream.job.functions.TestFrames.range;
import static clipstream.job.functions.TestFrames.seqsShown;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.operators.ClipAssemblerOperator;
import clipstream.job.records.Clip;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.ValidatedFrame;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ClipAssemblerTest {
    private static final Duration IDLE = Duration.ofSeconds(30);
    /** A limit no test reaches unless it means to. */
    private static final int UNLIMITED = Integer.MAX_VALUE;

    private KeyedOneInputStreamOperatorTestHarness<String, ValidatedFrame, Clip> harness;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void start(int clipLength, int stride, int maxGap) throws Exception {
        start(clipLength, stride, maxGap, UNLIMITED, UNLIMITED);
    }

    private void start(int clipLength, int stride, int maxGap, int maxCameras, int maxPendingFrames) throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ClipAssembler(clipLength, stride, maxGap, IDLE, maxCameras, maxPendingFrames),
                ValidatedFrame::cameraId, Types.STRING);
        harness.setProcessingTime(0);
    }

    /** The assembler in the operator the job runs, which also acts at the end of its input. */
    private void startOperator(int clipLength, int stride, int maxGap) throws Exception {
        startOperator(new ClipAssembler(clipLength, stride, maxGap, IDLE, UNLIMITED, UNLIMITED), null);
    }

    /** The operator the job runs, from {@code restored} state when it is not null. */
    private ClipAssembler startOperator(ClipAssembler assembler, OperatorSubtaskState restored) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new ClipAssemblerOperator(assembler),
                ValidatedFrame::cameraId, Types.STRING);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        harness.setProcessingTime(0);
        return assembler;
    }

    private void send(String camera, long... seqs) throws Exception {
        for (long seq : seqs) {
            harness.processElement(new StreamRecord<>(frame(camera, seq), captureTime(seq)));
        }
    }

    private void watermarkAt(long seq) throws Exception {
        harness.processWatermark(captureTime(seq));
    }

    private List<Clip> clips() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(FrameDeadLetters.OUTPUT);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void whenTheInputEndsWithoutAFinalWatermarkEveryWaitingFrameIsStillUsed() throws Exception {
        // a final watermark dropped as coming from an idle channel: the operator's end of input does its work
        startOperator(4, 4, 0);
        // cameras first seen mid-stream (seq 0 would start at once)
        send("cam-1", range(100, 107));
        send("cam-2", range(100, 103));
        assertThat(clips()).as("the first frames wait for a watermark that will not come").isEmpty();

        harness.endInput();

        assertThat(clips()).extracting(Clip::cameraId, Clip::firstSeq).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("cam-1", 100L), org.assertj.core.groups.Tuple.tuple("cam-1", 104L),
                org.assertj.core.groups.Tuple.tuple("cam-2", 100L));
    }

    @Test
    void endOfInputAfterTheFinalWatermarkAddsNothing() throws Exception {
        startOperator(4, 4, 0);
        send("cam-1", range(0, 7));
        harness.processWatermark(Long.MAX_VALUE);
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(0L, 4L);

        harness.endInput();

        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(0L, 4L);
    }

    @Test
    void halfOverlappingClipsStartEverySixteenFrames() throws Exception {
        start(32, 16, 2);
        send("cam-1", range(0, 79));
        watermarkAt(0);

        assertThat(clips()).extracting(Clip::firstSeq, Clip::lastSeq).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0L, 31L), org.assertj.core.groups.Tuple.tuple(16L, 47L),
                org.assertj.core.groups.Tuple.tuple(32L, 63L), org.assertj.core.groups.Tuple.tuple(48L, 79L));
        for (Clip clip : clips()) {
            assertThat(seqsShown(clip)).containsExactly(range(clip.firstSeq(), clip.lastSeq()));
            assertThat(clip.framesFilled()).isZero();
            assertThat(clip.cameraId()).isEqualTo("cam-1");
            assertThat(clip.startTime()).isEqualTo(captureTime(clip.firstSeq()));
            assertThat(clip.endTime()).isEqualTo(captureTime(clip.lastSeq()));
        }
    }

    @Test
    void strideEqualToLengthGivesTumblingClips() throws Exception {
        start(32, 32, 2);
        send("cam-1", range(0, 100));
        watermarkAt(0);

        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(0L, 32L, 64L);
        assertThat(clips()).extracting(Clip::lastSeq).containsExactly(31L, 63L, 95L);
    }

    @Test
    void aCameraFirstSeenMidStreamWaitsForTheWatermarkOnceThenFollowsInOrder() throws Exception {
        start(4, 4, 0);
        send("cam-1", range(100, 103));
        assertThat(clips()).as("the first frame seen waits until nothing earlier can come").isEmpty();

        watermarkAt(100);
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(100L);
        send("cam-1", range(104, 107));
        assertThat(clips()).as("later frames in order are used at once").extracting(Clip::firstSeq)
                .containsExactly(100L, 104L);
    }

    @Test
    void aCameraStartingAtSeqZeroIsUsedAtOnceWithoutWaitingForTheWatermark() throws Exception {
        start(4, 4, 0);
        send("cam-1", 1, 2, 3);
        assertThat(clips()).as("seq 1 first: seq 0 may still come").isEmpty();
        send("cam-1", 0);
        assertThat(clips()).as("nothing can come before seq 0: the clip completes with its frames")
                .extracting(Clip::firstSeq).containsExactly(0L);
        send("cam-2", range(0, 3));
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(0L, 0L);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void outOfOrderFramesWithinTheBoundAreReordered() throws Exception {
        start(32, 32, 2);
        send("cam-1", 0, 1, 2, 4, 3, 5, 8, 6, 7, 9);
        watermarkAt(0);
        send("cam-1", 12, 10, 11);
        send("cam-1", range(13, 31));

        assertThat(clips()).hasSize(1);
        assertThat(seqsShown(clips().get(0))).containsExactly(range(0, 31));
        assertThat(clips().get(0).framesFilled()).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void duplicateFramesAreDroppedOnce() throws Exception {
        start(8, 8, 2);
        send("cam-1", 0, 0, 1, 2);
        watermarkAt(0);
        send("cam-1", 2, 1, 3, 5, 5, 4, 4, 6, 7, 7);

        assertThat(clips()).hasSize(1);
        assertThat(seqsShown(clips().get(0))).containsExactly(range(0, 7));
        assertThat(deadLetters()).as("duplicates are not late frames").isEmpty();
    }

    @Test
    void smallGapIsFilledWithThePreviousFrameAndCounted() throws Exception {
        start(16, 16, 2);
        send("cam-1", range(0, 9));
        send("cam-1", range(12, 20));
        watermarkAt(11);
        assertThat(clips()).as("10 and 11 may still come").isEmpty();

        watermarkAt(12);
        assertThat(clips()).hasSize(1);
        Clip clip = clips().get(0);
        assertThat(clip.firstSeq()).isZero();
        assertThat(clip.lastSeq()).isEqualTo(15);
        assertThat(clip.framesFilled()).isEqualTo(2);
        assertThat(seqsShown(clip)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 15);
    }

    @Test
    void gapLongerThanMaxGapRestartsTheClip() throws Exception {
        start(8, 8, 2);
        send("cam-1", range(0, 4));
        send("cam-1", range(8, 20));
        watermarkAt(8);

        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(8L);
        assertThat(seqsShown(clips().get(0))).containsExactly(range(8, 15));
        assertThat(clips().get(0).framesFilled()).isZero();
    }

    @Test
    @Timeout(30)
    void aSeqJumpTooLargeToSubtractRestartsTheClipInsteadOfFillingForever() throws Exception {
        start(4, 4, 2);
        long t = captureTime(0);
        harness.processElement(new StreamRecord<>(withSeq(frame("cam-1", 0), -10, t), t));
        harness.processElement(new StreamRecord<>(withSeq(frame("cam-1", 1), Long.MAX_VALUE - 5, t + 40), t + 40));
        for (long i = 1; i <= 3; i++) {
            long seq = Long.MAX_VALUE - 5 + i;
            harness.processElement(new StreamRecord<>(withSeq(frame("cam-1", i + 1), seq, t + 40 * (i + 1)),
                    t + 40 * (i + 1)));
        }
        harness.processWatermark(t + 1_000);

        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(Long.MAX_VALUE - 5);
        assertThat(clips().get(0).framesFilled()).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    private static ValidatedFrame withSeq(ValidatedFrame frame, long seq, long captureTime) {
        return new ValidatedFrame(frame.cameraId(), seq, captureTime, frame.pixels(), frame.width(), frame.height(),
                frame.sourceTopic(),
                frame.sourcePartition(), frame.sourceOffset());
    }

    @Test
    void camerasAreAssembledIndependently() throws Exception {
        start(4, 4, 0);
        for (long seq = 0; seq < 8; seq++) {
            send("cam-a", seq);
            send("cam-b", seq + 100);
        }
        harness.processWatermark(Long.MAX_VALUE - 1);

        assertThat(clips()).extracting(Clip::cameraId, Clip::firstSeq).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("cam-a", 0L), org.assertj.core.groups.Tuple.tuple("cam-a", 4L),
                org.assertj.core.groups.Tuple.tuple("cam-b", 100L), org.assertj.core.groups.Tuple.tuple("cam-b", 104L));
    }

    @Test
    void idleCameraLosesItsPartialClipAndAllStateAndTimers() throws Exception {
        start(32, 16, 2);
        send("cam-1", range(0, 20));
        watermarkAt(0);
        send("cam-1", 25); // waits in pending, with an event-time timer
        assertThat(harness.numKeyedStateEntries()).isPositive();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);

        harness.setProcessingTime(IDLE.toMillis() - 1);
        assertThat(harness.numKeyedStateEntries()).as("not idle yet").isPositive();

        harness.setProcessingTime(IDLE.toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(clips()).isEmpty();

        // the camera comes back: a fresh start, nothing of the old clip in it
        send("cam-1", range(100, 131));
        watermarkAt(100);
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(100L);
    }

    @Test
    void aCameraWhosePartitionStalledBehindTheWatermarkLosesNoFrame() throws Exception {
        start(8, 8, 2);
        send("cam-1", range(0, 3));
        send("cam-2", range(0, 3));
        watermarkAt(40); // cam-1's partition moved the watermark on while cam-2's stalled
        send("cam-2", range(3, 16)); // capture times 3..15: all behind the watermark, seqs still ahead

        assertThat(deadLetters()).isEmpty();
        assertThat(clips()).filteredOn(clip -> clip.cameraId().equals("cam-2")).extracting(Clip::firstSeq)
                .containsExactly(0L, 8L);
    }

    @Test
    void aNewCameraBehindAFinalWatermarkIsUsedAtOnce() throws Exception {
        start(8, 8, 2);
        harness.processWatermark(Long.MAX_VALUE); // e.g. one reader finished, the other idle: no timer fires again
        send("cam-3", range(10, 18)); // first frames ever, all behind the watermark
        assertThat(deadLetters()).isEmpty();
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(10L);
    }

    @Test
    void aCameraCountingFromZeroAgainStartsANewStreamWhileASmallStepBackStaysLate() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ClipAssembler(4, 4, 2, IDLE, UNLIMITED, UNLIMITED, 50), ValidatedFrame::cameraId, Types.STRING);
        harness.setProcessingTime(0);
        send("cam-1", LongStream.rangeClosed(0, 99).toArray());
        watermarkAt(99);
        assertThat(clips()).hasSize(25);

        send("cam-1", 89); // 10 back: a late frame, not a restart
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.LATE);

        for (long seq = 0; seq < 8; seq++) { // the camera restarted: seq 0 again, capture times going on
            long t = captureTime(100 + seq);
            harness.processElement(new StreamRecord<>(withSeq(frame("cam-1", seq), seq, t), t));
        }
        harness.processWatermark(captureTime(107));

        assertThat(clips()).hasSize(27);
        assertThat(clips().subList(25, 27)).extracting(Clip::firstSeq).containsExactly(0L, 4L);
        assertThat(clips().get(26).startTime()).isEqualTo(captureTime(104));
        assertThat(deadLetters()).hasSize(1);
    }

    @Test
    void anOutageLongerThanTheIdleTimeoutCostsNoCameraItsPartialClip() throws Exception {
        startOperator(new ClipAssembler(8, 8, 2, IDLE, UNLIMITED, UNLIMITED), null);
        send("cam-1", range(0, 4));
        watermarkAt(4);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.close();

        // restored ten idle timeouts later (the job was down): the camera's restored idle timer is overdue
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new ClipAssemblerOperator(
                new ClipAssembler(8, 8, 2, IDLE, UNLIMITED, UNLIMITED)), ValidatedFrame::cameraId, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        long restoredAt = 10 * IDLE.toMillis();
        harness.setProcessingTime(restoredAt);
        assertThat(harness.numKeyedStateEntries()).as("the camera's clip survives the restore").isPositive();

        send("cam-1", range(5, 7));
        assertThat(clips()).singleElement().satisfies(clip -> {
            assertThat(clip.firstSeq()).isZero();
            assertThat(seqsShown(clip)).containsExactly(range(0, 7));
        });

        // silent for a whole idle timeout after the restore: expired then, as always
        harness.setProcessingTime(restoredAt + 2 * IDLE.toMillis() + 1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aClipEndingAtTheLastSeqThereIsIsEmittedAndEndsTheCamerasClips() throws Exception {
        start(4, 2, 2);
        long t = captureTime(0);
        for (long i = 0; i < 4; i++) {
            long seq = Long.MAX_VALUE - 3 + i;
            harness.processElement(new StreamRecord<>(withSeq(frame("cam-1", i), seq, t + 40 * i), t + 40 * i));
        }
        harness.processWatermark(t + 1_000);

        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(Long.MAX_VALUE - 3);
        assertThat(clips().get(0).lastSeq()).isEqualTo(Long.MAX_VALUE);
        assertThat(clips().get(0).frames()).isEqualTo(4);
    }

    @Test
    void missingFrameArrivingAfterItWasFilledIsDeadLetteredAsLate() throws Exception {
        start(8, 8, 2);
        send("cam-1", 0, 1, 3, 4);
        watermarkAt(3);  // 2 is filled
        send("cam-1", 2);

        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.LATE);
        send("cam-1", LongStream.rangeClosed(5, 7).toArray());
        assertThat(clips()).singleElement().satisfies(clip -> {
            assertThat(clip.framesFilled()).isEqualTo(1);
            assertThat(seqsShown(clip)).containsExactly(0, 1, 1, 3, 4, 5, 6, 7);
        });
    }

    /** How many frames of {@code camera} wait in the assembler's pending state. */
    private int pendingFrames(String camera) throws Exception {
        var backend = harness.getOperator().<String>getKeyedStateBackend();
        String previousKey = backend.getCurrentKey();
        backend.setCurrentKey(camera);
        try {
            MapState<Long, ValidatedFrame> pending = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE,
                    new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(ValidatedFrame.class)));
            int count = 0;
            for (Long ignored : pending.keys()) {
                count++;
            }
            return count;
        } finally {
            if (previousKey != null) {
                backend.setCurrentKey(previousKey);
            }
        }
    }

    @Test
    void beyondMaxPendingFramesTheLowestSeqIsUsedWithoutWaitingForTheWatermark() throws Exception {
        start(4, 4, 0, UNLIMITED, 4);
        send("cam-1", range(100, 103)); // first seen mid-stream (seq 0 would start at once)
        assertThat(clips()).as("the first frames wait for the watermark").isEmpty();
        assertThat(pendingFrames("cam-1")).isEqualTo(4);

        send("cam-1", 104); // a fifth frame waiting: frame 100 is used at once, and 101..104 follow it in order
        assertThat(clips()).extracting(Clip::firstSeq).containsExactly(100L);
        assertThat(seqsShown(clips().get(0))).containsExactly(range(100, 103));
        assertThat(pendingFrames("cam-1")).isZero();
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aFloodOfFarAheadSeqsKeepsAtMostMaxPendingFramesWaiting() throws Exception {
        start(4, 4, 0, UNLIMITED, 8);
        send("cam-1", range(0, 2));
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 2_000; i++) {
            send("cam-1", 1_000_000 + random.nextInt(1_000_000_000));
            assertThat(pendingFrames("cam-1")).isLessThanOrEqualTo(8);
        }
        // a seq far behind the last one starts the camera's stream over; a near one is late
        assertThat(deadLetters()).allSatisfy(letter -> assertThat(letter.getReason()).isEqualTo(DeadLetterReason.LATE));
    }

    @Test
    void aNewCameraBeyondMaxCamerasIsDeadLetteredNamingTheFlagAndKeepsNoState() throws Exception {
        start(4, 4, 0, 2, UNLIMITED);
        send("cam-a", 0);
        send("cam-b", 0);
        int entries = harness.numKeyedStateEntries();

        send("cam-c", 0, 1);

        assertThat(deadLetters()).hasSize(2).allSatisfy(letter -> {
            assertThat(letter.getReason()).isEqualTo(DeadLetterReason.OVER_CAPACITY);
            assertThat(letter.getMessage()).contains("camera cam-c", "--max-cameras 2", "--idle-timeout");
        });
        assertThat(harness.numKeyedStateEntries()).isEqualTo(entries);
        send("cam-a", range(1, 3));
        send("cam-b", range(1, 3));
        harness.processWatermark(Long.MAX_VALUE - 1);
        assertThat(clips()).as("the cameras that have a place go on").extracting(Clip::cameraId)
                .containsExactlyInAnyOrder("cam-a", "cam-b");
    }

    @Test
    void anExpiredCameraFreesItsPlace() throws Exception {
        start(4, 4, 0, 2, UNLIMITED);
        send("cam-a", 0);
        harness.setProcessingTime(IDLE.toMillis() / 2);
        send("cam-b", 0);
        send("cam-c", 0);
        assertThat(deadLetters()).hasSize(1);

        harness.setProcessingTime(IDLE.toMillis()); // cam-a expires, cam-b not yet
        send("cam-c", 1);
        send("cam-d", 0);

        assertThat(deadLetters()).hasSize(2);
        assertThat(deadLetters().get(1).getMessage()).contains("camera cam-d");
    }

    @Test
    void theCountOfLiveCamerasSurvivesASnapshotAndRestore() throws Exception {
        startOperator(new ClipAssembler(4, 4, 0, IDLE, 2, UNLIMITED), null);
        send("cam-a", 0);
        send("cam-b", 0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        ClipAssembler restored = startOperator(new ClipAssembler(4, 4, 0, IDLE, 2, UNLIMITED), snapshot);
        assertThat(restored.liveCameras()).isEqualTo(2);
        send("cam-c", 0);
        assertThat(deadLetters()).extracting(DeadLetter::getReason).containsExactly(DeadLetterReason.OVER_CAPACITY);

        harness.setProcessingTime(IDLE.toMillis()); // both restored cameras expire
        assertThat(restored.liveCameras()).isZero();
        send("cam-c", 1);
        send("cam-d", 0);
        assertThat(deadLetters()).hasSize(1);
        assertThat(restored.liveCameras()).isEqualTo(2);
    }

    @Test
    void restoredWithAnotherParallelismEachSubtaskCountsTheCamerasItGot() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new ClipAssemblerOperator(
                new ClipAssembler(4, 4, 0, IDLE, 100, UNLIMITED)), ValidatedFrame::cameraId, Types.STRING, 128, 1, 0);
        harness.open();
        List<String> cameras = LongStream.range(0, 20).mapToObj(i -> "cam-" + i).toList();
        for (String camera : cameras) {
            send(camera, 0);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = null;

        int counted = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            ClipAssembler assembler = new ClipAssembler(4, 4, 0, IDLE, 100, UNLIMITED);
            try (var scaled = new KeyedOneInputStreamOperatorTestHarness<>(new ClipAssemblerOperator(assembler),
                    ValidatedFrame::cameraId, Types.STRING, 128, 2, subtask)) {
                scaled.initializeState(KeyedOneInputStreamOperatorTestHarness.repartitionOperatorState(
                        snapshot, 128, 1, 2, subtask));
                scaled.open();
                assertThat(assembler.liveCameras()).isPositive();
                counted += assembler.liveCameras();
            }
        }
        assertThat(counted).isEqualTo(cameras.size());
    }
}

package clipstream.job.functions;

import clipstream.job.config.ClipSettings;
import clipstream.job.records.Clip;
import clipstream.job.records.ClipFrame;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.ValidatedFrame;
import clipstream.schema.DeadLetterReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles each camera's frames into clips of {@code clipLength} consecutive frames, one every
 * {@code stride} frames.
 *
 * <p>Frames are put in {@code seq} order: the next expected frame is used at once (a camera's seq 0 too: nothing can
 * come before it), any other waits in {@code pending} until the watermark passes its capture time (the
 * out-of-orderness bound), when the frames due are used in seq order. A frame seen twice is dropped once it is known; a gap of up to {@code maxGap}
 * missing frames is filled by repeating the previous frame, a longer gap restarts the clip. A frame whose seq
 * was already passed is dead-lettered as LATE. Lateness is judged per camera, by seq, not by the job-wide
 * watermark: a frame behind the watermark whose seq is still ahead is due at once (with the other due frames, in
 * seq order), so a camera whose partition stalled while others moved the watermark on (a broker failover, a
 * lagging camera, an idle reader next to a finished one in a bounded run) resumes without losing frames.
 * A camera with no frame for {@code idleTimeout} (processing time) loses its partial clip, all its state and
 * its timers. State per camera: one clip's frames plus the frames waiting inside the out-of-orderness bound.
 *
 * <p>What hostile or broken cameras can make this hold is bounded. At most {@code maxPendingFrames} frames of a
 * camera wait: beyond that the lowest seqs are used at once, as if the watermark had passed them (a flood of
 * far-ahead seqs, or a gap while another partition holds the watermark back, costs reordering, not memory; a
 * frame that then arrives for a seq passed is LATE, as always). At most {@code maxCameras} cameras have state in
 * one subtask: a frame of a further camera is dead-lettered (OVER_CAPACITY, naming {@code --max-cameras}) until an
 * idle camera expires. The count of live cameras is the number of cameras with state;
 * {@link clipstream.job.operators.ClipAssemblerOperator} counts them again on restore ({@link #LIVE_CAMERA_STATE}),
 * so it survives checkpoints and rescaling.
 */
public class ClipAssembler extends KeyedProcessFunction<String, ValidatedFrame, Clip> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClipAssembler.class);
    /** The keyed state (in the void namespace) that every live camera has and no other: its idle timer. */
    public static final String LIVE_CAMERA_STATE = "idle-timer";

    private final int clipLength;
    private final int stride;
    private final int maxGap;
    private final long idleTimeoutMs;
    private final int maxCameras;
    private final int maxPendingFrames;
    private final int seqRestart;

    /** Frames received but not yet in order, by seq. */
    private transient MapState<Long, ValidatedFrame> pending;
    /** The clip being built: consecutive seqs from {@code windowStart} to the last frame's seq. */
    private transient MapState<Long, ClipFrame> window;
    private transient ValueState<Long> windowStart;
    /** The last frame put in order (kept even when the window is empty: gaps are filled from it). */
    private transient ValueState<ClipFrame> last;
    /** The event-time timer armed for the earliest pending frame, if any. */
    private transient ValueState<Long> releaseTimer;
    /** The processing-time timer that expires the camera: set exactly while the camera has state. */
    private transient ValueState<Long> idleTimer;

    /** Processing time of the element or timer being handled: when a clip completed now was assembled. */
    private transient long handlingSince;
    /**
     * Processing time of this run's first element or timer (the start, or the restore after a failure); -1 before.
     * Idle time is measured from it at the earliest: see {@link #onTimer}.
     */
    private transient long runStartedAt = -1;
    /** Cameras with state in this subtask: those whose idle timer is armed. */
    private transient int liveCameras;

    private transient Counter clipsEmitted;
    private transient Counter framesFilled;
    private transient Counter duplicatesDropped;
    private transient Counter framesLate;
    private transient Counter clipsRestarted;
    private transient Counter camerasExpired;
    private transient Counter streamRestarts;
    private transient Counter idleRearmedAfterRestore;
    private transient Counter framesReleasedEarly;
    private transient Counter framesOverCameraLimit;

    public ClipAssembler(int clipLength, int stride, int maxGap, Duration idleTimeout, int maxCameras,
                         int maxPendingFrames) {
        this(clipLength, stride, maxGap, idleTimeout, maxCameras, maxPendingFrames, ClipSettings.DEFAULT_SEQ_RESTART);
    }

    /**
     * {@code seqRestart}: a frame whose seq is more than this behind the camera's last placed frame starts the
     * camera's stream over (its clip state is dropped and the frame is its new first frame) instead of being late.
     */
    public ClipAssembler(int clipLength, int stride, int maxGap, Duration idleTimeout, int maxCameras,
                         int maxPendingFrames, int seqRestart) {
        if (clipLength < 1 || stride < 1 || stride > clipLength || maxGap < 0 || maxCameras < 1
                || maxPendingFrames < 1) {
            throw new IllegalArgumentException("need 1 <= stride <= clipLength, maxGap >= 0, maxCameras >= 1 and"
                    + " maxPendingFrames >= 1, got clipLength " + clipLength + ", stride " + stride + ", maxGap "
                    + maxGap + ", maxCameras " + maxCameras + ", maxPendingFrames " + maxPendingFrames);
        }
        this.clipLength = clipLength;
        this.stride = stride;
        this.maxGap = maxGap;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.maxCameras = maxCameras;
        this.maxPendingFrames = maxPendingFrames;
        if (seqRestart < 1) {
            throw new IllegalArgumentException("seqRestart must be at least 1, got " + seqRestart);
        }
        this.seqRestart = seqRestart;
    }

    @Override
    public void open(OpenContext openContext) {
        var state = getRuntimeContext();
        pending = state.getMapState(new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(ValidatedFrame.class)));
        window = state.getMapState(new MapStateDescriptor<>("window", Types.LONG, TypeInformation.of(ClipFrame.class)));
        windowStart = state.getState(new ValueStateDescriptor<>("window-start", Types.LONG));
        last = state.getState(new ValueStateDescriptor<>("last", TypeInformation.of(ClipFrame.class)));
        releaseTimer = state.getState(new ValueStateDescriptor<>("release-timer", Types.LONG));
        idleTimer = state.getState(new ValueStateDescriptor<>(LIVE_CAMERA_STATE, Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        clipsEmitted = metrics.counter("clipsEmitted");
        framesFilled = metrics.counter("framesFilled");
        duplicatesDropped = metrics.counter("framesDuplicate");
        framesLate = metrics.counter("framesLate");
        clipsRestarted = metrics.counter("clipsRestarted");
        camerasExpired = metrics.counter("camerasExpired");
        streamRestarts = metrics.counter("streamRestarts");
        idleRearmedAfterRestore = metrics.counter("idleTimersRearmedAfterRestore");
        framesReleasedEarly = metrics.counter("framesReleasedEarly");
        framesOverCameraLimit = metrics.counter("framesOverCameraLimit");
        metrics.gauge("liveCameras", () -> liveCameras);
    }

    /**
     * Sets the count of cameras with state, as found in restored state; called by
     * {@link clipstream.job.operators.ClipAssemblerOperator} before the first element.
     */
    public void restoreLiveCameras(int cameras) {
        liveCameras = cameras;
    }

    /** Cameras with state in this subtask. */
    @VisibleForTesting
    public int liveCameras() {
        return liveCameras;
    }

    @Override
    public void processElement(ValidatedFrame frame, Context ctx, Collector<Clip> out) throws Exception {
        handlingSince = ctx.timerService().currentProcessingTime();
        if (runStartedAt < 0) {
            runStartedAt = handlingSince;
        }
        if (idleTimer.value() == null) {
            if (liveCameras >= maxCameras) {
                refuseOverCameraLimit(ctx, frame);
                return;
            }
            liveCameras++;
        }
        touchIdleTimer(ctx);
        long seq = frame.seq();
        if (pending.contains(seq) || isPlacedFrame(seq)) {
            duplicatesDropped.inc();
            return;
        }
        ClipFrame previous = last.value();
        if (previous != null && seq <= previous.seq() && previous.seq() - seq > seqRestart) {
            restartStream(ctx, frame, previous);
            previous = null;
        }
        if (previous != null && seq <= previous.seq()) {
            refuseLate(ctx, frame, "seq " + seq + " arrived after the clip moved on to seq " + previous.seq());
        } else {
            // also when its capture time is behind the watermark (its partition stalled, e.g. during a broker
            // failover, while others moved the watermark on): nothing of this camera has passed it yet
            pending.put(seq, frame);
            long watermark = ctx.timerService().currentWatermark();
            if (frame.captureTime() <= watermark) {
                // already due: the watermark will not pass it again (it may even be final, at the end of a
                // bounded input), so no timer would fire for it
                usePendingUpTo(ctx.getCurrentKey(), watermark, out);
            }
            useLowestPendingBeyondLimit(ctx.getCurrentKey(), out);
            useConsecutivePending(ctx.getCurrentKey(), out);
            armReleaseTimer(ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Clip> out) throws Exception {
        handlingSince = ctx.timerService().currentProcessingTime();
        if (runStartedAt < 0) {
            runStartedAt = handlingSince;
        }
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (!Objects.equals(idleTimer.value(), timestamp)) {
                return;
            }
            if (timestamp < runStartedAt + idleTimeoutMs) {
                // armed before this run began and restored from a checkpoint: the outage is not the camera's
                // silence, and its waiting frames' offsets are already committed. Idle time counts from the
                // restore; a camera that stays silent that long after it is expired then.
                long expiry = runStartedAt + idleTimeoutMs;
                ctx.timerService().registerProcessingTimeTimer(expiry);
                idleTimer.update(expiry);
                idleRearmedAfterRestore.inc();
                return;
            }
            expire(ctx);
            return;
        }
        releaseTimer.clear();
        usePendingUpTo(ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
        useConsecutivePending(ctx.getCurrentKey(), out);
        armReleaseTimer(ctx);
    }

    /** Whether a real (not filled) frame with this seq is already in order: the last one or one in the window. */
    private boolean isPlacedFrame(long seq) throws Exception {
        ClipFrame previous = last.value();
        if (previous == null || seq > previous.seq()) {
            return false;
        }
        ClipFrame placed = seq == previous.seq() ? previous : window.get(seq);
        return placed != null && !placed.filled();
    }

    /** Uses, in seq order, every pending frame up to the last one whose capture time the watermark passed. */
    private void usePendingUpTo(String camera, long watermark, Collector<Clip> out) throws Exception {
        List<ValidatedFrame> waiting = new ArrayList<>();
        pending.values().forEach(waiting::add);
        long cutoff = waiting.stream().filter(f -> f.captureTime() <= watermark)
                .mapToLong(ValidatedFrame::seq).max().orElse(Long.MIN_VALUE);
        waiting.sort(Comparator.comparingLong(ValidatedFrame::seq));
        for (ValidatedFrame frame : waiting) {
            if (frame.seq() > cutoff) {
                break;
            }
            pending.remove(frame.seq());
            place(camera, frame, out);
        }
    }

    /**
     * Uses the lowest-seq pending frames, in seq order, while more than {@code maxPendingFrames} wait: what the
     * watermark would do once it passed them, done early so a camera's waiting frames stay bounded.
     */
    private void useLowestPendingBeyondLimit(String camera, Collector<Clip> out) throws Exception {
        List<Long> seqs = new ArrayList<>();
        pending.keys().forEach(seqs::add);
        int excess = seqs.size() - maxPendingFrames;
        if (excess <= 0) {
            return;
        }
        seqs.sort(null);
        for (Long seq : seqs.subList(0, excess)) {
            ValidatedFrame frame = pending.get(seq);
            pending.remove(seq);
            place(camera, frame, out);
            framesReleasedEarly.inc();
        }
    }

    /**
     * Uses pending frames while the next expected seq is there. Before the first frame nothing is expected, except
     * seq 0: the first seq a camera can send (negative seqs are refused), so nothing earlier can come and a camera
     * that starts counting from 0 (a new camera, or one that restarted) starts its stream at once instead of waiting
     * out the out-of-orderness bound; its first clip then completes with its last frame, as every later one does.
     * A camera first seen in the middle of its stream still waits for the watermark once.
     */
    private void useConsecutivePending(String camera, Collector<Clip> out) throws Exception {
        ClipFrame previous = last.value();
        if (previous == null) {
            ValidatedFrame first = pending.get(0L);
            if (first == null) {
                return;
            }
            pending.remove(0L);
            place(camera, first, out);
            previous = last.value();
        }
        while (previous != null) {
            ValidatedFrame next = pending.get(previous.seq() + 1);
            if (next == null) {
                return;
            }
            pending.remove(next.seq());
            place(camera, next, out);
            previous = last.value();
        }
    }

    /**
     * How many seqs lie strictly between {@code previous} and {@code next} (> previous), saturating at
     * {@link Long#MAX_VALUE}: a camera may send any long, and an overflowed difference would look like a small gap.
     */
    static long missingBetween(long previous, long next) {
        try {
            return Math.subtractExact(next, previous) - 1;
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** Puts a frame in order after the last one: fills a small gap before it, restarts on a big one. */
    private void place(String camera, ValidatedFrame frame, Collector<Clip> out) throws Exception {
        ClipFrame previous = last.value();
        if (previous != null) {
            long missing = missingBetween(previous.seq(), frame.seq());
            if (missing > maxGap) {
                clipsRestarted.inc();
                window.clear();
                windowStart.clear();
            } else {
                for (long seq = previous.seq() + 1; seq < frame.seq(); seq++) {
                    append(camera, previous.fillFor(seq), out);
                    framesFilled.inc();
                }
            }
        }
        append(camera, ClipFrame.of(frame), out);
    }

    private void append(String camera, ClipFrame frame, Collector<Clip> out) throws Exception {
        window.put(frame.seq(), frame);
        last.update(frame);
        Long start = windowStart.value();
        if (start == null) {
            start = frame.seq();
            windowStart.update(start);
        }
        if (frame.seq() - start + 1 == clipLength) {
            out.collect(clip(camera, start, frame.seq()));
            clipsEmitted.inc();
            // by offset from the start, not seq <= end: a clip may end at Long.MAX_VALUE, where seq + 1 wraps
            for (int i = 0; i < stride; i++) {
                window.remove(start + i);
            }
            if (start > Long.MAX_VALUE - stride) {
                // the next clip would start beyond the last seq there is: no frame can follow this one
                window.clear();
                windowStart.clear();
            } else {
                windowStart.update(start + stride);
            }
        }
    }

    private Clip clip(String camera, long firstSeq, long lastSeq) throws Exception {
        ClipFrame first = window.get(firstSeq);
        int frameBytes = first.pixels().length;
        byte[] pixels = new byte[clipLength * frameBytes];
        int filled = 0;
        long endTime = first.captureTime();
        for (int i = 0; i < clipLength; i++) {
            long seq = firstSeq + i;
            ClipFrame frame = window.get(seq);
            if (frame.pixels().length != frameBytes) {
                throw new IllegalStateException("frames of one clip differ in size: " + frame.pixels().length
                        + " != " + frameBytes + " bytes (the validator resizes every frame to the model's size)");
            }
            System.arraycopy(frame.pixels(), 0, pixels, i * frameBytes, frameBytes);
            filled += frame.filled() ? 1 : 0;
            endTime = frame.captureTime();
        }
        return new Clip(camera, firstSeq, lastSeq, first.captureTime(), endTime, filled, pixels, handlingSince);
    }

    private void armReleaseTimer(Context ctx) throws Exception {
        Long armed = releaseTimer.value();
        long earliest = Long.MAX_VALUE;
        for (ValidatedFrame frame : pending.values()) {
            earliest = Math.min(earliest, frame.captureTime());
        }
        if (armed != null && armed == earliest) {
            return;
        }
        if (armed != null) {
            ctx.timerService().deleteEventTimeTimer(armed);
            releaseTimer.clear();
        }
        if (earliest != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(earliest);
            releaseTimer.update(earliest);
        }
    }

    private void touchIdleTimer(Context ctx) throws Exception {
        Long armed = idleTimer.value();
        if (armed != null) {
            ctx.timerService().deleteProcessingTimeTimer(armed);
        }
        long expiry = ctx.timerService().currentProcessingTime() + idleTimeoutMs;
        ctx.timerService().registerProcessingTimeTimer(expiry);
        idleTimer.update(expiry);
    }

    /**
     * The camera started counting again (a restarted camera or ingest, a stepped-back counter): its partial clip and
     * waiting frames belong to the stream that ended, so they go, and the frame that came is the new stream's first.
     * Without this every later frame would be late until the seq passed the old one again.
     */
    private void restartStream(Context ctx, ValidatedFrame frame, ClipFrame previous) throws Exception {
        Long armed = releaseTimer.value();
        if (armed != null) {
            ctx.timerService().deleteEventTimeTimer(armed);
        }
        pending.clear();
        window.clear();
        windowStart.clear();
        last.clear();
        releaseTimer.clear();
        streamRestarts.inc();
        LOG.info("Camera {} started its stream over: seq {} after seq {} (more than --seq-restart {} back); its"
                + " partial clip is dropped", frame.cameraId(), frame.seq(), previous.seq(), seqRestart);
    }

    /** Forgets an idle camera entirely: its partial clip, waiting frames, state and timers. */
    private void expire(OnTimerContext ctx) throws Exception {
        Long armed = releaseTimer.value();
        if (armed != null) {
            ctx.timerService().deleteEventTimeTimer(armed);
        }
        pending.clear();
        window.clear();
        windowStart.clear();
        last.clear();
        releaseTimer.clear();
        idleTimer.clear();
        liveCameras = Math.max(0, liveCameras - 1);
        camerasExpired.inc();
    }

    private void refuseOverCameraLimit(Context ctx, ValidatedFrame frame) {
        framesOverCameraLimit.inc();
        ctx.output(FrameDeadLetters.OUTPUT, FrameDeadLetters.of(frame, DeadLetterReason.OVER_CAPACITY,
                "frame " + frame.seq() + " of camera " + frame.cameraId() + " refused: this clip-assembler subtask"
                        + " already holds state for " + liveCameras + " cameras, the limit (--max-cameras " + maxCameras
                        + "); a place frees when one of them sends nothing for --idle-timeout ("
                        + Duration.ofMillis(idleTimeoutMs) + ")",
                ctx.timerService().currentProcessingTime()));
    }

    private void refuseLate(Context ctx, ValidatedFrame frame, String why) {
        framesLate.inc();
        ctx.output(FrameDeadLetters.OUTPUT, FrameDeadLetters.of(frame, DeadLetterReason.LATE,
                "frame " + frame.seq() + " of camera " + frame.cameraId() + " is late: " + why,
                ctx.timerService().currentProcessingTime()));
    }
}

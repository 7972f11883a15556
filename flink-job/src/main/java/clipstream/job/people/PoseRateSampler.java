package clipstream.job.people;

import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Picks the frames of one camera (keyed by camera id) that go through the pose model, {@code fps} a second by
 * capture time whatever the camera's frame rate: capture time is cut into slots of 1/fps s from the epoch, and the
 * first frame of a slot after the slot of the camera's last posed frame is posed ({@code poseFramesChosen}); the
 * others are skipped ({@code poseFramesSkipped}). A 25 fps camera at 10 poses/s has its frames posed 80 and 120 ms
 * apart, 10 a second; a camera slower than {@code fps} has every frame posed.
 *
 * <p>The only state is the capture time of the camera's last posed frame, in checkpointed keyed state: restored with
 * the source's offsets, the same frames are chosen again on replay. A frame captured before the camera's last posed
 * frame is skipped ({@code poseFramesOlderSkipped}), unless it is more than {@code idleTimeout} before it: that is
 * the camera's clock starting over (or the last posed time was bogus), and the frame is posed
 * ({@code poseClockRestarts}), as it would be after the camera's state had expired.
 *
 * <p>A camera silent for {@code idleTimeout} (processing time) loses its state and its timer. An idle timer restored
 * from a checkpoint that comes due before the run has lasted {@code idleTimeout} is moved to then
 * ({@code idleTimersRearmedAfterRestore}): the outage is not the camera's silence, and expiring the camera then
 * would pose a replayed frame that the first run skipped. At most {@code maxCameras} cameras have state in one
 * subtask: a further camera's frames are not posed ({@code poseFramesOverCameraLimit}; the tracking and the clip path
 * refuse them the same way) until an idle camera expires. {@link #LIVE_CAMERA_STATE} is how
 * {@link clipstream.job.operators.CameraCountingOperator} counts the cameras again on restore.
 */
public class PoseRateSampler extends KeyedProcessFunction<String, StampedRecord, RawRecord>
        implements CameraCountingOperator.Counted {
    private static final long serialVersionUID = 1L;
    /** The keyed state (in the void namespace) that every camera with state has and no other: its idle timer. */
    public static final String LIVE_CAMERA_STATE = "pose-rate-idle-timer";

    private final double fps;
    private final long idleTimeoutMs;
    private final int maxCameras;

    /** Capture time (epoch ms) of the camera's last posed frame. */
    private transient ValueState<Long> lastPosed;
    private transient ValueState<Long> idleTimer;
    /** Processing time of this run's first element or timer (the start, or the restore after a failure); -1 before. */
    private transient IdleTimers.Run run;
    /** Cameras with state in this subtask: those whose idle timer is armed. */
    private transient int liveCameras;
    private transient Counter chosen;
    private transient Counter skipped;
    private transient Counter older;
    private transient Counter clockRestarts;
    private transient Counter overCameraLimit;
    private transient Counter camerasExpired;
    private transient Counter idleRearmedAfterRestore;

    public PoseRateSampler(double fps, Duration idleTimeout, int maxCameras) {
        if (!(fps > 0) || Double.isInfinite(fps) || idleTimeout.isNegative() || idleTimeout.isZero()
                || maxCameras < 1) {
            throw new IllegalArgumentException("need fps > 0, a positive idle timeout and maxCameras >= 1, got " + fps
                    + ", " + idleTimeout + ", " + maxCameras);
        }
        this.fps = fps;
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.maxCameras = maxCameras;
    }

    @Override
    public void open(OpenContext openContext) {
        lastPosed = getRuntimeContext().getState(new ValueStateDescriptor<>("last-posed-capture-time", Types.LONG));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>(LIVE_CAMERA_STATE, Types.LONG));
        run = new IdleTimers.Run();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        chosen = metrics.counter("poseFramesChosen");
        skipped = metrics.counter("poseFramesSkipped");
        older = metrics.counter("poseFramesOlderSkipped");
        clockRestarts = metrics.counter("poseClockRestarts");
        overCameraLimit = metrics.counter("poseFramesOverCameraLimit");
        camerasExpired = metrics.counter("poseRateCamerasExpired");
        idleRearmedAfterRestore = metrics.counter("idleTimersRearmedAfterRestore");
        metrics.gauge("poseRateCameras", () -> liveCameras);
    }

    /**
     * Sets the count of cameras with state, as found in restored state; called by
     * {@link clipstream.job.operators.CameraCountingOperator} before the first element.
     */
    @Override
    public void restoreLiveCameras(int cameras) {
        liveCameras = cameras;
    }

    @Override
    public String liveCameraState() {
        return LIVE_CAMERA_STATE;
    }

    /** Cameras with state in this subtask. */
    @VisibleForTesting
    public int liveCameras() {
        return liveCameras;
    }

    @Override
    public void processElement(StampedRecord frame, Context ctx, Collector<RawRecord> out) throws Exception {
        if (idleTimer.value() == null) {
            if (liveCameras >= maxCameras) {
                overCameraLimit.inc();
                return;
            }
            liveCameras++;
        }
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMs, run);
        Long last = lastPosed.value();
        long time = frame.captureTime();
        if (last != null) {
            if (time < last - idleTimeoutMs) {
                clockRestarts.inc();
            } else if (time < last) {
                older.inc();
                return;
            } else if (slot(time) <= slot(last)) {
                skipped.inc();
                return;
            }
        }
        lastPosed.update(time);
        chosen.inc();
        out.collect(frame.record());
    }

    /** The 1/fps s slot of capture time {@code timeMs}, counted from the epoch. */
    private long slot(long timeMs) {
        return (long) Math.floor(timeMs * fps / 1000.0);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RawRecord> out) throws Exception {
        Long armed = idleTimer.value();
        if (!IdleTimers.expired(timestamp, idleTimer, ctx.timerService(), idleTimeoutMs, run)) {
            if (Objects.equals(armed, timestamp)) {
                idleRearmedAfterRestore.inc();
            }
            return;
        }
        lastPosed.clear();
        idleTimer.clear();
        liveCameras = Math.max(0, liveCameras - 1);
        camerasExpired.inc();
    }
}

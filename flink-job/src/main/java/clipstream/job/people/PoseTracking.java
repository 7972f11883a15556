package clipstream.job.people;

import clipstream.job.operators.CameraCountingOperator;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.UntrackedPoses;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Follows the people of one camera (keyed by camera id) from one posed frame to the next, whichever way the poses
 * came (the job's pose model on frames, or an edge device): each frame's people are matched to the camera's tracks
 * ({@link PersonTracker}, state kept per camera and checkpointed), and a {@link PersonPoses} record goes out with
 * everyone found, in the order found, each with the id of the confirmed track that holds them or -1. Ids are this
 * job's own, per camera; an edge device's ids never reach here.
 *
 * <p>A camera's frames are tracked in seq order: a frame whose seq was tracked already is a duplicate, dropped and
 * counted; one behind the last tracked seq is dead-lettered as {@code LATE}, unless it is more than
 * {@code seqRestart} behind, which is the camera starting its stream over (counted, tracked). A camera silent for
 * the idle timeout loses its tracks, so state never outlives the cameras that send; a camera whose frame size
 * changes starts its tracks over (ids go on from where they were, so an id is never reused for another person). At
 * most {@code maxCameras} cameras have state in one subtask: a frame of a further camera is dead-lettered as
 * {@code OVER_CAPACITY} and leaves no state until an idle camera expires ({@link #LIVE_CAMERA_STATE} is how
 * {@link clipstream.job.operators.CameraCountingOperator} counts them again on restore). Refusals go to
 * {@link FrameDeadLetters#OUTPUT}; on the frames input the topology leaves these letters out (counted only): the
 * clip path judges the same frames and dead-letters what it refuses.
 */
public class PoseTracking extends KeyedProcessFunction<String, UntrackedPoses, PersonPoses>
        implements CameraCountingOperator.Counted {
    private static final long serialVersionUID = 1L;
    /** The keyed state (in the void namespace) that every camera with tracks has and no other: its idle timer. */
    public static final String LIVE_CAMERA_STATE = "pose-idle-timer";

    private final PersonTracker tracker;
    private final long idleTimeoutMs;
    private final int maxCameras;
    private final int seqRestart;

    private transient ValueState<CameraTracks> tracks;
    private transient ValueState<Long> idleTimer;
    /** Cameras with state in this subtask: those whose idle timer is armed. */
    private transient int liveCameras;
    private transient IdleTimers.Run run;
    private transient Counter posesTracked;
    private transient Counter peopleTracked;
    private transient Counter duplicates;
    private transient Counter late;
    private transient Counter streamRestarts;
    private transient Counter overCameraLimit;
    private transient Counter camerasExpired;
    private transient Counter tracksResetBySize;

    public PoseTracking(PersonTracker tracker, Duration idleTimeout, int maxCameras, int seqRestart) {
        if (maxCameras < 1 || seqRestart < 1) {
            throw new IllegalArgumentException("need maxCameras >= 1 and seqRestart >= 1, got " + maxCameras + ", "
                    + seqRestart);
        }
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.maxCameras = maxCameras;
        this.seqRestart = seqRestart;
    }

    @Override
    public void open(OpenContext openContext) {
        tracks = getRuntimeContext().getState(new ValueStateDescriptor<>("tracks",
                TypeInformation.of(CameraTracks.class)));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>(LIVE_CAMERA_STATE, Types.LONG));
        run = new IdleTimers.Run();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        posesTracked = metrics.counter("posesTracked");
        peopleTracked = metrics.counter("peopleTracked");
        duplicates = metrics.counter("posesDuplicate");
        late = metrics.counter("posesLate");
        streamRestarts = metrics.counter("poseStreamRestarts");
        overCameraLimit = metrics.counter("posesOverCameraLimit");
        camerasExpired = metrics.counter("poseCamerasExpired");
        tracksResetBySize = metrics.counter("tracksResetByFrameSize");
        metrics.gauge("poseCameras", () -> liveCameras);
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
    public void processElement(UntrackedPoses poses, Context ctx, Collector<PersonPoses> out) throws Exception {
        if (idleTimer.value() == null) {
            if (liveCameras >= maxCameras) {
                refuse(ctx, poses, DeadLetterReason.OVER_CAPACITY, overCameraLimit, "this tracking subtask already"
                        + " holds tracks of " + liveCameras + " cameras, the limit (--max-cameras " + maxCameras
                        + "); a place frees when one of them sends nothing for --idle-timeout ("
                        + Duration.ofMillis(idleTimeoutMs) + ")");
                return;
            }
            liveCameras++;
        }
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMs, run);
        CameraTracks stored = tracks.value() == null ? CameraTracks.NONE : tracks.value();
        long last = stored.lastSeq();
        if (last >= 0 && poses.seq() <= last) {
            if (poses.seq() == last) {
                duplicates.inc();
                return;
            }
            if (last - poses.seq() <= seqRestart) {
                refuse(ctx, poses, DeadLetterReason.LATE, late, "its tracks have moved on to seq " + last);
                return;
            }
            streamRestarts.inc();
        }
        if (stored.sizeChangedFor(poses.width(), poses.height())) {
            tracksResetBySize.inc();
        }
        CameraTracks before = stored.forFrame(poses.width(), poses.height());
        DetectedPerson[] people = poses.people();
        PersonTracker.Update update = tracker.update(before.tracks(), before.nextId(), Arrays.asList(people));
        tracks.update(new CameraTracks(update.tracks(), update.nextId(), poses.width(), poses.height(), poses.seq()));
        posesTracked.inc();
        peopleTracked.inc(people.length);
        out.collect(record(poses, update.trackIds()));
    }

    private static PersonPoses record(UntrackedPoses poses, long[] trackIds) {
        DetectedPerson[] found = poses.people();
        List<Person> people = new ArrayList<>(found.length);
        for (int i = 0; i < found.length; i++) {
            DetectedPerson person = found[i];
            float[] k = person.keypoints();
            List<Keypoint> keypoints = new ArrayList<>(k.length / 3);
            for (int j = 0; j + 2 < k.length; j += 3) {
                keypoints.add(new Keypoint(k[j], k[j + 1], k[j + 2]));
            }
            people.add(new Person(trackIds[i], person.score(), person.xMin(), person.yMin(), person.xMax(),
                    person.yMax(), keypoints));
        }
        return PersonPoses.newBuilder().setCameraId(poses.cameraId()).setSeq(poses.seq())
                .setCaptureTime(Instant.ofEpochMilli(poses.captureTime())).setWidth(poses.width())
                .setHeight(poses.height()).setModelName(poses.modelName()).setModelVersion(poses.modelVersion())
                .setPeople(people).build();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonPoses> out) throws Exception {
        if (IdleTimers.expired(timestamp, idleTimer, ctx.timerService(), idleTimeoutMs, run)) {
            tracks.clear();
            idleTimer.clear();
            liveCameras = Math.max(0, liveCameras - 1);
            camerasExpired.inc();
        }
    }


    private void refuse(Context ctx, UntrackedPoses poses, DeadLetterReason reason, Counter counter, String why) {
        counter.inc();
        ctx.output(FrameDeadLetters.OUTPUT, FrameDeadLetters.of(poses, reason, "poses " + poses.seq() + " of camera "
                + poses.cameraId() + " refused: " + why, ctx.timerService().currentProcessingTime()));
    }
}

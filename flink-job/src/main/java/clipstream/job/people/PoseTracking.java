package clipstream.job.people;

import clipstream.job.records.ValidatedFrame;
import clipstream.model.pose.PersonPose;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * The pose stage of one camera (keyed by camera id): each posed frame goes through the pose model, its people are
 * matched to the camera's tracks ({@link PersonTracker}, state kept per camera and checkpointed), and a
 * {@link PersonPoses} record goes out with everyone found, tracked or not yet. A camera silent for the idle timeout
 * loses its tracks, so state never outlives the cameras that send; a camera whose frame size changes starts its
 * tracks over (ids go on from where they were, so an id is never reused for another person).
 */
public class PoseTracking extends KeyedProcessFunction<String, ValidatedFrame, PersonPoses> {
    private static final long serialVersionUID = 1L;

    private final FramePoseModel.Factory models;
    private final PersonTracker tracker;
    private final long idleTimeoutMs;

    private transient FramePoseModel model;
    private transient ValueState<CameraTracks> tracks;
    private transient ValueState<Long> idleTimer;
    private transient Counter framesPosed;
    private transient Counter peopleFound;
    private transient Counter camerasExpired;
    private transient Counter tracksResetBySize;

    public PoseTracking(FramePoseModel.Factory models, PersonTracker tracker, Duration idleTimeout) {
        this.models = models;
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.idleTimeoutMs = idleTimeout.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        model = models.open();
        tracks = getRuntimeContext().getState(new ValueStateDescriptor<>("tracks",
                TypeInformation.of(CameraTracks.class)));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("pose-idle-timer", Types.LONG));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        framesPosed = metrics.counter("framesPosed");
        peopleFound = metrics.counter("peopleFound");
        camerasExpired = metrics.counter("poseCamerasExpired");
        tracksResetBySize = metrics.counter("tracksResetByFrameSize");
    }

    @Override
    public void processElement(ValidatedFrame frame, Context ctx, Collector<PersonPoses> out) throws Exception {
        touchIdleTimer(ctx);
        List<PersonPose> found = model.find(frame.pixels(), frame.width(), frame.height());
        CameraTracks stored = tracks.value() == null ? CameraTracks.NONE : tracks.value();
        if (stored.sizeChangedFor(frame.width(), frame.height())) {
            tracksResetBySize.inc();
        }
        CameraTracks before = stored.forFrame(frame.width(), frame.height());
        List<Track.Box> boxes = found.stream()
                .map(p -> new Track.Box(p.xMin(), p.yMin(), p.xMax(), p.yMax())).toList();
        PersonTracker.Update update = tracker.update(before.tracks(), before.nextId(), boxes);
        tracks.update(new CameraTracks(update.tracks(), update.nextId(), frame.width(), frame.height()));
        framesPosed.inc();
        peopleFound.inc(found.size());
        out.collect(record(frame, found, update.trackIds()));
    }

    private PersonPoses record(ValidatedFrame frame, List<PersonPose> found, long[] trackIds) {
        List<Person> people = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            PersonPose pose = found.get(i);
            List<Keypoint> keypoints = pose.keypoints().stream()
                    .map(k -> new Keypoint(k.x(), k.y(), k.score())).toList();
            people.add(new Person(trackIds[i], pose.score(), pose.xMin(), pose.yMin(), pose.xMax(), pose.yMax(),
                    keypoints));
        }
        return PersonPoses.newBuilder().setCameraId(frame.cameraId()).setSeq(frame.seq())
                .setCaptureTime(Instant.ofEpochMilli(frame.captureTime())).setWidth(frame.width())
                .setHeight(frame.height()).setModelName(model.name()).setModelVersion(model.version())
                .setPeople(people).build();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonPoses> out) throws Exception {
        if (Objects.equals(idleTimer.value(), timestamp)) {
            tracks.clear();
            idleTimer.clear();
            camerasExpired.inc();
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

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}

package clipstream.job.people;

import clipstream.job.records.Clip;
import clipstream.schema.PersonPoses;
import java.time.Duration;
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
 * Clips per person of one camera (keyed by camera id): the camera's tracked poses, in order, go through its
 * {@link TrackClips} (checkpointed keyed state), and every person's clip it completes goes on to the people model.
 * A camera silent for the idle timeout loses its unfinished clips, so state never outlives the cameras that send.
 */
public class PersonClips extends KeyedProcessFunction<String, PersonPoses, Clip> {
    private static final long serialVersionUID = 1L;
    /** Keypoints per person: the 17 COCO keypoints of the poses topic. */
    public static final int JOINTS = 17;

    private final int length;
    private final int stride;
    private final int maxGap;
    private final int maxTracks;
    private final int joints;
    private final long idleTimeoutMs;

    private transient ValueState<TrackClips> clips;
    private transient ValueState<Long> idleTimer;
    private transient IdleTimers.Run run;
    private transient Counter personClips;
    private transient Counter droppedPartialClips;
    private transient Counter ignoredPoses;
    private transient Counter refusedTracks;
    private transient Counter camerasExpired;

    /**
     * Clips of {@code length} pose frames every {@code stride}, gaps of up to {@code maxGap} pose frames filled, at
     * most {@code maxTracks} people per camera, {@code joints} keypoints per person.
     */
    public PersonClips(int length, int stride, int maxGap, int maxTracks, int joints, Duration idleTimeout) {
        new TrackClips(length, stride, maxGap, maxTracks); // checks the settings where the job is built
        this.length = length;
        this.stride = stride;
        this.maxGap = maxGap;
        this.maxTracks = maxTracks;
        this.joints = joints;
        this.idleTimeoutMs = Objects.requireNonNull(idleTimeout, "idleTimeout").toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        clips = getRuntimeContext().getState(new ValueStateDescriptor<>("person-clips",
                TypeInformation.of(TrackClips.class)));
        idleTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("person-clips-idle-timer", Types.LONG));
        run = new IdleTimers.Run();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        personClips = metrics.counter("personClips");
        droppedPartialClips = metrics.counter("personClipsDroppedPartial");
        ignoredPoses = metrics.counter("personPosesOutOfOrder");
        refusedTracks = metrics.counter("personTracksOverLimit");
        camerasExpired = metrics.counter("personClipCamerasExpired");
    }

    @Override
    public void processElement(PersonPoses poses, Context ctx, Collector<Clip> out) throws Exception {
        IdleTimers.touch(idleTimer, ctx.timerService(), idleTimeoutMs, run);
        TrackClips camera = clips.value();
        if (camera == null) {
            camera = new TrackClips(length, stride, maxGap, maxTracks);
        }
        long dropped = camera.droppedPartialClips();
        long ignored = camera.ignoredPoses();
        long refused = camera.refusedTracks();
        for (Clip clip : camera.add(poses, joints, ctx.timerService().currentProcessingTime())) {
            personClips.inc();
            out.collect(clip);
        }
        droppedPartialClips.inc(camera.droppedPartialClips() - dropped);
        ignoredPoses.inc(camera.ignoredPoses() - ignored);
        refusedTracks.inc(camera.refusedTracks() - refused);
        clips.update(camera);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Clip> out) throws Exception {
        if (IdleTimers.expired(timestamp, idleTimer, ctx.timerService(), idleTimeoutMs, run)) {
            TrackClips camera = clips.value();
            if (camera != null) {
                droppedPartialClips.inc(camera.tracks());
            }
            clips.clear();
            idleTimer.clear();
            camerasExpired.inc();
        }
    }

}

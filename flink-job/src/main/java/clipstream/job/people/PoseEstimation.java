package clipstream.job.people;

import clipstream.job.records.DetectedPerson;
import clipstream.job.records.UntrackedPoses;
import clipstream.job.records.ValidatedFrame;
import clipstream.model.pose.PersonPose;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The pose model on the frames of the people path: each decoded frame goes through it, and the people it found come
 * out as {@link UntrackedPoses} (the same record edge devices' poses become), for {@link PoseTracking} to follow.
 * Keypoints the model scores below {@code minKeypointScore} leave here lost (score 0, position kept), so the poses
 * topic, the tracking and the people's clips all see the same keypoints. Holds no state; the model is opened once
 * per subtask and runs one frame at a time on the task thread.
 */
public class PoseEstimation extends ProcessFunction<ValidatedFrame, UntrackedPoses> {
    private static final long serialVersionUID = 1L;

    private final FramePoseModel.Factory models;
    private final float minKeypointScore;

    private transient FramePoseModel model;
    private transient Counter framesPosed;
    private transient Counter peopleFound;
    private transient Counter keypointsLost;

    /** {@code minKeypointScore}: keypoints scored below it are reported lost (score 0); 0 keeps every score. */
    public PoseEstimation(FramePoseModel.Factory models, float minKeypointScore) {
        if (!(minKeypointScore >= 0 && minKeypointScore <= 1)) {
            throw new IllegalArgumentException("minKeypointScore must be within 0-1, got " + minKeypointScore);
        }
        this.models = models;
        this.minKeypointScore = minKeypointScore;
    }

    @Override
    public void open(OpenContext openContext) {
        model = models.open();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        framesPosed = metrics.counter("framesPosed");
        peopleFound = metrics.counter("peopleFound");
        keypointsLost = metrics.counter("keypointsBelowMinScore");
    }

    @Override
    public void processElement(ValidatedFrame frame, Context ctx, Collector<UntrackedPoses> out) {
        List<PersonPose> found = model.find(frame.pixels(), frame.width(), frame.height());
        DetectedPerson[] people = new DetectedPerson[found.size()];
        for (int i = 0; i < people.length; i++) {
            people[i] = detected(found.get(i));
        }
        framesPosed.inc();
        peopleFound.inc(people.length);
        out.collect(new UntrackedPoses(frame.cameraId(), frame.seq(), frame.captureTime(), frame.width(),
                frame.height(), model.name(), model.version(), people, frame.sourceTopic(), frame.sourcePartition(),
                frame.sourceOffset()));
    }

    private DetectedPerson detected(PersonPose pose) {
        float[] keypoints = new float[pose.keypoints().size() * 3];
        for (int k = 0; k < pose.keypoints().size(); k++) {
            PersonPose.Keypoint keypoint = pose.keypoints().get(k);
            keypoints[3 * k] = keypoint.x();
            keypoints[3 * k + 1] = keypoint.y();
            if (keypoint.score() < minKeypointScore) {
                keypointsLost.inc();
            } else {
                keypoints[3 * k + 2] = keypoint.score();
            }
        }
        return new DetectedPerson(pose.score(), pose.xMin(), pose.yMin(), pose.xMax(), pose.yMax(), keypoints);
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}

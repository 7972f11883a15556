package clipstream.job.people;

import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.inference.StoreClassifier;
import clipstream.model.pose.PersonPose;
import clipstream.model.pose.PoseEstimator;
import clipstream.model.runtime.ClassifierOptions;
import java.util.List;

/**
 * The pose model from the model store, on the device and thread pools of the action model's settings. One
 * estimator per subtask: a pose model runs one frame at a time (MoveNet MultiPose takes a batch of one).
 */
public final class StorePoseModel implements FramePoseModel {
    private final PoseEstimator estimator;
    private final float minPersonScore;

    private StorePoseModel(PoseEstimator estimator, float minPersonScore) {
        this.estimator = estimator;
        this.minPersonScore = minPersonScore;
    }

    /** A factory for {@code people}'s pose model in the store of {@code model}. */
    public static Factory factory(ModelSettings model, PeopleSettings people) {
        return () -> {
            ClassifierOptions options = StoreClassifier.options(model).withModel(people.poseModel(),
                    people.poseVersion());
            return new StorePoseModel(PoseEstimator.open(options, people.poseInput()), people.minPersonScore());
        };
    }

    @Override
    public List<PersonPose> find(byte[] rgb, int width, int height) {
        return estimator.estimate(rgb, width, height, minPersonScore);
    }

    @Override
    public String name() {
        return estimator.manifest().name();
    }

    @Override
    public String version() {
        return estimator.manifest().version();
    }

    @Override
    public void close() {
        estimator.close();
    }
}

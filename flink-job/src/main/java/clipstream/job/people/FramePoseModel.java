package clipstream.job.people;

import clipstream.model.pose.PersonPose;
import java.io.Serializable;
import java.util.List;

/** What the pose stage needs from a pose model: the people in one RGB24 frame, best first. */
public interface FramePoseModel extends AutoCloseable {

    /** Opens the model on a task: called from the operator's {@code open()}, once per subtask. */
    interface Factory extends Serializable {
        FramePoseModel open();
    }

    List<PersonPose> find(byte[] rgb, int width, int height);

    String name();

    String version();

    @Override
    void close();
}

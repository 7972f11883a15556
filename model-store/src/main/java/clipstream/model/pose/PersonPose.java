package clipstream.model.pose;

import java.util.List;

/**
 * One person a pose model found in a frame, in the frame's own pixel coordinates: the detection score, the box and
 * one {@link Keypoint} per keypoint of the model's manifest, in its order.
 */
public record PersonPose(float score, float xMin, float yMin, float xMax, float yMax, List<Keypoint> keypoints) {

    /** A keypoint's position in pixels and the model's confidence in it (0-1). */
    public record Keypoint(float x, float y, float score) {
    }

    public float width() {
        return xMax - xMin;
    }

    public float height() {
        return yMax - yMin;
    }
}

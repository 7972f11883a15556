package clipstream.media.people;

/**
 * One labelled example for a pose-based action model: {@code keypoints} [frame][joint][x, y, score] as the pose
 * estimator would report them (pixels of a {@code camera.width()}×{@code camera.height()} frame), the action's label,
 * and everything it was made from: the seed, the body, the motion with its parameters, the camera and the true
 * joint positions {@code world} [frame][joint][x, y, z] in metres. Arrays are shared, not copied: treat them as
 * read-only. Equality is by identity; compare arrays with {@link java.util.Arrays#deepEquals}.
 */
public record PoseClip(long seed, PersonAction action, DatasetSplit split, double fps, BodyProportions body,
                       ActionMotion motion, PinholeCamera camera, double[][][] world, float[][][] keypoints) {

    public int frames() {
        return keypoints.length;
    }

    /** The true position of {@code joint} in frame {@code t}. */
    public Vector3 world(int t, Joint joint) {
        double[] p = world[t][joint.ordinal()];
        return new Vector3(p[0], p[1], p[2]);
    }

    /** The true positions of all joints in frame {@code t}, in {@link Joint} order. */
    public Vector3[] joints(int t) {
        Vector3[] joints = new Vector3[Joint.COUNT];
        for (Joint joint : Joint.values()) {
            joints[joint.ordinal()] = world(t, joint);
        }
        return joints;
    }

    /** What the camera saw of the person in frame {@code t}, before the pose estimator. */
    public PersonView view(int t) {
        return camera.view(joints(t), body.height());
    }
}

package clipstream.media.people;

/**
 * What a camera sees of one person in one frame, before any pose estimator: per keypoint (in {@link Joint} order) its
 * image position in pixels ({@code u} right, {@code v} down), its depth along the optical axis in metres, and how
 * hidden it is by the body itself, 0 in plain view to 1 on the far side of a person seen side-on (or the face of one
 * seen from behind). {@code heightPixels}: the person's stature at the pelvis's depth, the scale of the person in the
 * image whatever their posture.
 */
public record PersonView(double[] u, double[] v, double[] depth, double[] hidden, double heightPixels) {

    public PersonView {
        if (u.length != Joint.COUNT || v.length != Joint.COUNT || depth.length != Joint.COUNT
                || hidden.length != Joint.COUNT) {
            throw new IllegalArgumentException("A person view has " + Joint.COUNT + " keypoints");
        }
    }

    /** Whether keypoint {@code joint} lies in front of the camera and inside a frame of the given size. */
    public boolean inFrame(Joint joint, int width, int height) {
        int i = joint.ordinal();
        return depth[i] > 0 && u[i] >= 0 && u[i] < width && v[i] >= 0 && v[i] < height;
    }
}

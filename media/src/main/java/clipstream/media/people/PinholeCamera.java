package clipstream.media.people;

import java.util.SplittableRandom;

/**
 * A pinhole camera without roll or lens distortion, aimed at {@code target} from {@code distance} metres away,
 * placed at compass angle {@code yaw} about it (0 puts the camera on the target's +z side) and {@code elevation}
 * above the horizontal (radians; CCTV looks down). The principal point is the image centre; {@code focalPixels} is
 * the focal length in pixels.
 */
public record PinholeCamera(Vector3 target, double yaw, double elevation, double distance, double focalPixels,
                            int width, int height) {
    /** CCTV looks down at up to 60°; beyond 80° "up" in the image stops being defined by the world's up. */
    static final double MAX_ELEVATION = Math.toRadians(80);

    public PinholeCamera {
        if (Math.abs(elevation) > MAX_ELEVATION) {
            throw new IllegalArgumentException("elevation must be within ±80°, got " + Math.toDegrees(elevation));
        }
        if (!(distance > 0) || !(focalPixels > 0) || width < 1 || height < 1) {
            throw new IllegalArgumentException("camera needs a positive distance, focal length and frame size, got "
                    + distance + " m, " + focalPixels + " px, " + width + "x" + height);
        }
    }

    /**
     * A random surveillance-like camera on {@code subject} (a point of the person's body): any yaw, elevation 0–60°,
     * distance 3–18 m (log-uniform, so near and far are equally common), horizontal field of view 45–90°, and aimed
     * off-centre so the subject lands anywhere within the middle 70 % of the frame; large, near people may be cut by
     * the frame's edge.
     */
    public static PinholeCamera sample(SplittableRandom random, int width, int height, Vector3 subject) {
        double yaw = random.nextDouble(0, 2 * Math.PI);
        double elevation = Math.toRadians(random.nextDouble(0, 60));
        double distance = Math.exp(random.nextDouble(Math.log(3), Math.log(18)));
        double fieldOfView = Math.toRadians(random.nextDouble(45, 90));
        double focal = width / 2.0 / Math.tan(fieldOfView / 2);
        PinholeCamera centred = new PinholeCamera(subject, yaw, elevation, distance, focal, width, height);
        // moving the target along the image axes moves the camera with it: the subject shifts in the image by the
        // same offset scaled by focal / distance
        double du = random.nextDouble(-0.35, 0.35) * width * distance / focal;
        double dv = random.nextDouble(-0.35, 0.35) * height * distance / focal;
        Vector3 target = subject.minus(centred.right().times(du)).minus(centred.down().times(dv));
        return new PinholeCamera(target, yaw, elevation, distance, focal, width, height);
    }

    public Vector3 position() {
        double flat = distance * Math.cos(elevation);
        return target.plus(new Vector3(flat * Math.sin(yaw), distance * Math.sin(elevation), flat * Math.cos(yaw)));
    }

    /** The optical axis. */
    public Vector3 forward() {
        return target.minus(position()).normalised();
    }

    /** The image's +u direction in the world. */
    public Vector3 right() {
        return forward().cross(Vector3.UP).normalised();
    }

    /** The image's +v direction in the world. */
    public Vector3 down() {
        return forward().cross(right());
    }

    /** {u, v, depth}: pixels from the image's top-left corner, and metres along the optical axis. */
    public double[] project(Vector3 point) {
        Vector3 ray = point.minus(position());
        double depth = ray.dot(forward());
        return new double[] {width / 2.0 + focalPixels * ray.dot(right()) / depth,
                height / 2.0 + focalPixels * ray.dot(down()) / depth, depth};
    }

    /** How the camera sees a person whose keypoints are {@code joints} and whose stature is {@code stature} metres. */
    public PersonView view(Vector3[] joints, double stature) {
        double[] u = new double[Joint.COUNT];
        double[] v = new double[Joint.COUNT];
        double[] depth = new double[Joint.COUNT];
        for (int i = 0; i < Joint.COUNT; i++) {
            double[] p = project(joints[i]);
            u[i] = p[0];
            v[i] = p[1];
            depth[i] = p[2];
        }
        Vector3 pelvis = Vector3.midpoint(joints[Joint.LEFT_HIP.ordinal()], joints[Joint.RIGHT_HIP.ordinal()]);
        double pelvisDepth = project(pelvis)[2];
        double heightPixels = pelvisDepth > 0 ? focalPixels * stature / pelvisDepth : 0;
        return new PersonView(u, v, depth, hidden(joints, depth), heightPixels);
    }

    /**
     * Self-occlusion: of each left/right pair, the one further from the camera is hidden as much as the body is
     * side-on (the shoulders' line for the upper body, the hips' for the legs); the nose and eyes are hidden as much
     * as the face looks away.
     */
    private double[] hidden(Vector3[] joints, double[] depth) {
        double[] hidden = new double[Joint.COUNT];
        Vector3 camera = position();
        Vector3 shoulders = joints[Joint.LEFT_SHOULDER.ordinal()].minus(joints[Joint.RIGHT_SHOULDER.ordinal()]);
        Vector3 hips = joints[Joint.LEFT_HIP.ordinal()].minus(joints[Joint.RIGHT_HIP.ordinal()]);
        for (Joint joint : Joint.values()) {
            if (!joint.isOn(BodySide.LEFT)) {
                continue;
            }
            Joint mirror = joint.mirror();
            boolean legs = joint.ordinal() >= Joint.LEFT_HIP.ordinal();
            Vector3 across = (legs ? hips : shoulders).normalised();
            Vector3 middle = Vector3.midpoint(joints[joint.ordinal()], joints[mirror.ordinal()]);
            double sideOn = Math.abs(across.dot(middle.minus(camera).normalised()));
            Joint far = depth[joint.ordinal()] > depth[mirror.ordinal()] ? joint : mirror;
            hidden[far.ordinal()] = sideOn;
        }
        Vector3 ears = Vector3.midpoint(joints[Joint.LEFT_EAR.ordinal()], joints[Joint.RIGHT_EAR.ordinal()]);
        Vector3 face = joints[Joint.NOSE.ordinal()].minus(ears).normalised();
        double away = Math.max(0, face.dot(ears.minus(camera).normalised()));
        for (Joint joint : new Joint[] {Joint.NOSE, Joint.LEFT_EYE, Joint.RIGHT_EYE}) {
            hidden[joint.ordinal()] = Math.max(hidden[joint.ordinal()], away);
        }
        for (int i = 0; i < Joint.COUNT; i++) {
            if (depth[i] <= 0) {
                hidden[i] = 1;
            }
        }
        return hidden;
    }
}

package clipstream.media.people;

/**
 * A body at one instant: its {@link Posture}, where it stands on the ground (x, z in metres) and which way it faces
 * ({@code heading}, radians; 0 faces +z, π/2 faces +x). {@code anchor} says which point (x, z) pins: the pelvis for a
 * body moving through the scene, the feet or one ankle for a body turning about them. {@code lift} is how high its
 * lowest point is above the ground (a jump's or a run's flight; 0 otherwise).
 */
public record BodyPose(double x, double z, double heading, Anchor anchor, double lift, Posture posture) {

    /** The point of the body that (x, z) places. */
    public enum Anchor { PELVIS, FEET, LEFT_ANKLE, RIGHT_ANKLE }

    /** A body that stands still on both feet. */
    public static BodyPose onFeet(StartPoint start, Posture posture) {
        return new BodyPose(start.x(), start.z(), start.heading(), Anchor.FEET, 0, posture);
    }
}

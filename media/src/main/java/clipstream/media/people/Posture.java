package clipstream.media.people;

import static java.lang.Math.toRadians;

/**
 * The joint angles of a body in radians, independent of where it stands. {@code bodyPitch} and {@code bodyRoll} tip
 * the whole body (falls, leaning jumps): positive pitch forwards, positive roll towards the person's left. The torso
 * turns at the pelvis (pitch forwards, roll to the left, twist turning the shoulders to the left), the head at the
 * top of the neck (pitch looking down, yaw to the left). Limbs are in {@link Arm} and {@link Leg}.
 */
public record Posture(double bodyPitch, double bodyRoll, double torsoPitch, double torsoRoll, double torsoTwist,
                      double headPitch, double headYaw, Arm leftArm, Arm rightArm, Leg leftLeg, Leg rightLeg) {

    /** Upright, arms hanging a little away from the thighs with the elbows slightly bent. */
    public static final Posture STANDING = new Posture(0, 0, 0, 0, 0, 0, 0,
            new Arm(0, toRadians(6), 0, toRadians(10)), new Arm(0, toRadians(6), 0, toRadians(10)),
            new Leg(0, toRadians(3), 0), new Leg(0, toRadians(3), 0));

    /**
     * A shoulder and an elbow, from the arm hanging straight down: {@code flexion} raises it forwards,
     * {@code abduction} sideways, {@code rotation} turns it about its own axis (outwards, so that a bent elbow points
     * the forearm out and, with the arm raised sideways, up) and {@code elbow} bends the forearm.
     */
    public record Arm(double flexion, double abduction, double rotation, double elbow) {
        public Arm blend(Arm target, double weight) {
            return new Arm(mix(flexion, target.flexion, weight), mix(abduction, target.abduction, weight),
                    mix(rotation, target.rotation, weight), mix(elbow, target.elbow, weight));
        }
    }

    /** A hip and a knee, from a straight leg: {@code flexion} swings the thigh forward, {@code knee} the shin back. */
    public record Leg(double flexion, double abduction, double knee) {
        public Leg blend(Leg target, double weight) {
            return new Leg(mix(flexion, target.flexion, weight), mix(abduction, target.abduction, weight),
                    mix(knee, target.knee, weight));
        }
    }

    public Arm arm(BodySide side) {
        return side == BodySide.LEFT ? leftArm : rightArm;
    }

    public Leg leg(BodySide side) {
        return side == BodySide.LEFT ? leftLeg : rightLeg;
    }

    public Posture withArm(BodySide side, Arm arm) {
        return side == BodySide.LEFT ? withArms(arm, rightArm) : withArms(leftArm, arm);
    }

    public Posture withLeg(BodySide side, Leg leg) {
        return side == BodySide.LEFT ? withLegs(leg, rightLeg) : withLegs(leftLeg, leg);
    }

    public Posture withArms(Arm left, Arm right) {
        return new Posture(bodyPitch, bodyRoll, torsoPitch, torsoRoll, torsoTwist, headPitch, headYaw, left, right,
                leftLeg, rightLeg);
    }

    public Posture withLegs(Leg left, Leg right) {
        return new Posture(bodyPitch, bodyRoll, torsoPitch, torsoRoll, torsoTwist, headPitch, headYaw, leftArm,
                rightArm, left, right);
    }

    public Posture withBody(double pitch, double roll) {
        return new Posture(pitch, roll, torsoPitch, torsoRoll, torsoTwist, headPitch, headYaw, leftArm, rightArm,
                leftLeg, rightLeg);
    }

    public Posture withTorso(double pitch, double roll, double twist) {
        return new Posture(bodyPitch, bodyRoll, pitch, roll, twist, headPitch, headYaw, leftArm, rightArm, leftLeg,
                rightLeg);
    }

    public Posture withHead(double pitch, double yaw) {
        return new Posture(bodyPitch, bodyRoll, torsoPitch, torsoRoll, torsoTwist, pitch, yaw, leftArm, rightArm,
                leftLeg, rightLeg);
    }

    /** Every angle moved {@code weight} (0–1) of the way to {@code target}'s. */
    public Posture blend(Posture target, double weight) {
        return new Posture(mix(bodyPitch, target.bodyPitch, weight), mix(bodyRoll, target.bodyRoll, weight),
                mix(torsoPitch, target.torsoPitch, weight), mix(torsoRoll, target.torsoRoll, weight),
                mix(torsoTwist, target.torsoTwist, weight), mix(headPitch, target.headPitch, weight),
                mix(headYaw, target.headYaw, weight), leftArm.blend(target.leftArm, weight),
                rightArm.blend(target.rightArm, weight), leftLeg.blend(target.leftLeg, weight),
                rightLeg.blend(target.rightLeg, weight));
    }

    private static double mix(double from, double to, double weight) {
        return from + (to - from) * weight;
    }
}

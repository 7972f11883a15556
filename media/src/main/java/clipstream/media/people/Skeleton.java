package clipstream.media.people;

import java.util.Objects;

/**
 * The forward kinematics of one body: a {@link BodyPose} to the world positions (metres, y up) of its 17 keypoints.
 * In the body's own frame +x is its left, +y up and +z forward; the pelvis, halfway between the hips, is the root.
 * Legs hang from the pelvis, the torso turns at it, arms hang from the shoulders and the head turns at the top of the
 * neck. The body is then tipped and turned as a whole, moved so its anchor is at (x, z) and lowered until its lowest
 * point (allowing each joint's {@link Joint#contactRadius()}) is {@code lift} above the ground, so feet stand on the
 * floor and a fallen body lies on it.
 */
public final class Skeleton {
    private static final Vector3 DOWN = new Vector3(0, -1, 0);
    // head keypoints from the head's pivot, as fractions of stature: nose 0.905, ears 0.923, eyes 0.936 high
    // (Drillis & Contini), eyes 0.036 apart, ears 0.086 apart, nose in front of the ears
    private static final Vector3 NOSE = new Vector3(0, 0.037, 0.058);
    private static final Vector3 EYE = new Vector3(0.018, 0.068, 0.050);
    private static final Vector3 EAR = new Vector3(0.043, 0.055, -0.005);

    private final BodyProportions body;

    public Skeleton(BodyProportions body) {
        this.body = Objects.requireNonNull(body, "body");
    }

    public BodyProportions body() {
        return body;
    }

    /** The keypoints in {@link Joint} order. */
    public Vector3[] joints(BodyPose pose) {
        Posture posture = pose.posture();
        Vector3[] joints = bodyFrame(posture);
        Rotation orientation = Rotation.aboutY(pose.heading()).times(Rotation.aboutX(posture.bodyPitch()))
                .times(Rotation.aboutZ(-posture.bodyRoll()));
        double lowest = Double.POSITIVE_INFINITY;
        for (Joint joint : Joint.values()) {
            Vector3 p = orientation.apply(joints[joint.ordinal()]);
            joints[joint.ordinal()] = p;
            lowest = Math.min(lowest, p.y() - joint.contactRadius() * body.height());
        }
        Vector3 anchor = switch (pose.anchor()) {
            case PELVIS -> Vector3.ZERO;
            case FEET -> Vector3.midpoint(joints[Joint.LEFT_ANKLE.ordinal()], joints[Joint.RIGHT_ANKLE.ordinal()]);
            case LEFT_ANKLE -> joints[Joint.LEFT_ANKLE.ordinal()];
            case RIGHT_ANKLE -> joints[Joint.RIGHT_ANKLE.ordinal()];
        };
        Vector3 shift = new Vector3(pose.x() - anchor.x(), pose.lift() - lowest, pose.z() - anchor.z());
        for (int i = 0; i < joints.length; i++) {
            joints[i] = joints[i].plus(shift);
        }
        return joints;
    }

    /** The keypoints relative to the pelvis in the body's own frame, before the body is tipped or turned. */
    private Vector3[] bodyFrame(Posture posture) {
        Vector3[] joints = new Vector3[Joint.COUNT];
        for (BodySide side : BodySide.values()) {
            leg(side, posture.leg(side), joints);
        }
        Rotation torso = Rotation.aboutY(posture.torsoTwist()).times(Rotation.aboutX(posture.torsoPitch()))
                .times(Rotation.aboutZ(-posture.torsoRoll()));
        Vector3 neck = torso.apply(new Vector3(0, body.spine(), 0));
        for (BodySide side : BodySide.values()) {
            Vector3 shoulder = neck.plus(torso.apply(new Vector3(side.sign() * body.shoulderWidth() / 2, 0, 0)));
            arm(side, shoulder, torso, posture.arm(side), joints);
        }
        Rotation head = torso.times(Rotation.aboutY(posture.headYaw())).times(Rotation.aboutX(posture.headPitch()));
        Vector3 pivot = neck.plus(torso.apply(new Vector3(0, body.neck(), 0)));
        double h = body.height();
        joints[Joint.NOSE.ordinal()] = pivot.plus(head.apply(NOSE.times(h)));
        for (BodySide side : BodySide.values()) {
            Vector3 eye = new Vector3(side.sign() * EYE.x(), EYE.y(), EYE.z());
            Vector3 ear = new Vector3(side.sign() * EAR.x(), EAR.y(), EAR.z());
            joints[Joint.of(side, "EYE").ordinal()] = pivot.plus(head.apply(eye.times(h)));
            joints[Joint.of(side, "EAR").ordinal()] = pivot.plus(head.apply(ear.times(h)));
        }
        return joints;
    }

    private void leg(BodySide side, Posture.Leg leg, Vector3[] joints) {
        Vector3 hip = new Vector3(side.sign() * body.hipWidth() / 2, 0, 0);
        Rotation thigh = Rotation.aboutX(-leg.flexion()).times(Rotation.aboutZ(side.sign() * leg.abduction()));
        Vector3 knee = hip.plus(thigh.apply(DOWN).times(body.thigh()));
        Vector3 shin = new Vector3(0, -Math.cos(leg.knee()), -Math.sin(leg.knee()));
        joints[Joint.of(side, "HIP").ordinal()] = hip;
        joints[Joint.of(side, "KNEE").ordinal()] = knee;
        joints[Joint.of(side, "ANKLE").ordinal()] = knee.plus(thigh.apply(shin).times(body.shin()));
    }

    private void arm(BodySide side, Vector3 shoulder, Rotation torso, Posture.Arm arm, Vector3[] joints) {
        Rotation upper = torso.times(Rotation.aboutX(-arm.flexion()))
                .times(Rotation.aboutZ(side.sign() * arm.abduction()))
                .times(Rotation.aboutY(side.sign() * arm.rotation()));
        Vector3 elbow = shoulder.plus(upper.apply(DOWN).times(body.upperArm()));
        Vector3 forearm = new Vector3(0, -Math.cos(arm.elbow()), Math.sin(arm.elbow()));
        joints[Joint.of(side, "SHOULDER").ordinal()] = shoulder;
        joints[Joint.of(side, "ELBOW").ordinal()] = elbow;
        joints[Joint.of(side, "WRIST").ordinal()] = elbow.plus(upper.apply(forearm).times(body.forearm()));
    }
}

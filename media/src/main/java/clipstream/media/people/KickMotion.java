package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code kick}: a front kick on one leg. The knee comes up (chamber), the shin snaps out (strike), comes back and
 * the foot goes down again, while the body leans back over the standing foot and the opposite arm swings forward.
 * Angles in radians.
 */
public record KickMotion(StartPoint start, IdleSway sway, BodySide leg, double onset, double chamberTime,
                         double strikeTime, double retractTime, double lowerTime, double chamberHip,
                         double chamberKnee, double strikeHip, double strikeKnee, double supportKnee, double lean,
                         double armSwing) implements ActionMotion {

    public static KickMotion sample(double clipSeconds, SplittableRandom random) {
        double chamber = random.nextDouble(0.2, 0.35);
        double strike = random.nextDouble(0.1, 0.18);
        double retract = random.nextDouble(0.12, 0.25);
        double lower = random.nextDouble(0.2, 0.35);
        double squeeze = Math.min(1, 0.9 * clipSeconds / (chamber + strike + retract + lower));
        double total = (chamber + strike + retract + lower) * squeeze;
        return new KickMotion(StartPoint.sample(random), IdleSway.sample(random),
                random.nextBoolean() ? BodySide.LEFT : BodySide.RIGHT, ClipTiming.onset(random, total, clipSeconds),
                chamber * squeeze, strike * squeeze, retract * squeeze, lower * squeeze,
                toRadians(random.nextDouble(55, 90)), toRadians(random.nextDouble(90, 120)),
                toRadians(random.nextDouble(65, 100)), toRadians(random.nextDouble(0, 20)),
                toRadians(random.nextDouble(5, 15)), toRadians(random.nextDouble(5, 20)),
                toRadians(random.nextDouble(20, 50)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.KICK;
    }

    @Override
    public BodyPose at(double seconds) {
        double strikeAt = onset + chamberTime;
        double retractAt = strikeAt + strikeTime;
        double lowerAt = retractAt + retractTime;
        Posture.Leg resting = Posture.STANDING.leg(leg);
        Posture.Leg chambered = new Posture.Leg(chamberHip, resting.abduction(), chamberKnee);
        Posture.Leg struck = new Posture.Leg(strikeHip, resting.abduction(), strikeKnee);
        Posture.Leg kicking;
        if (seconds < strikeAt) {
            kicking = resting.blend(chambered, Easing.smoothRamp(seconds, onset, chamberTime));
        } else if (seconds < retractAt) {
            kicking = chambered.blend(struck, Easing.smoothRamp(seconds, strikeAt, strikeTime));
        } else if (seconds < lowerAt) {
            kicking = struck.blend(chambered, Easing.smoothRamp(seconds, retractAt, retractTime));
        } else {
            kicking = chambered.blend(resting, Easing.smoothRamp(seconds, lowerAt, lowerTime));
        }
        double engaged = Easing.smoothRamp(seconds, onset, chamberTime)
                - Easing.smoothRamp(seconds, lowerAt, lowerTime);
        Posture.Leg support = new Posture.Leg(supportKnee * 0.4 * engaged, resting.abduction(), supportKnee * engaged);
        Posture.Arm arm = Posture.STANDING.arm(leg);
        Posture posture = Posture.STANDING.withLeg(leg, kicking).withLeg(leg.other(), support)
                .withTorso(-lean * engaged, 0, 0)
                .withArm(leg.other(), new Posture.Arm(armSwing * engaged, arm.abduction() + toRadians(15) * engaged,
                        0, arm.elbow() + toRadians(40) * engaged))
                .withArm(leg, new Posture.Arm(-armSwing * 0.5 * engaged, arm.abduction() + toRadians(20) * engaged, 0,
                        arm.elbow() + toRadians(20) * engaged));
        // the standing foot stays planted at the start point while the other leg kicks
        BodyPose.Anchor standingFoot = leg == BodySide.LEFT ? BodyPose.Anchor.RIGHT_ANKLE : BodyPose.Anchor.LEFT_ANKLE;
        return new BodyPose(start.x(), start.z(), start.heading(), standingFoot, 0,
                sway.apply(posture, seconds).blend(posture, engaged));
    }
}

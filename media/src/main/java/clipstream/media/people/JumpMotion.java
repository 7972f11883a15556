package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code jump}: a countermovement jump in place or forwards. The person crouches with the arms swung back, extends
 * with the arms swinging up, leaves the ground on a ballistic arc for {@code flightTime} (0.3–0.5 s: 11–31 cm of
 * height), the knees tucking a little, lands and absorbs with the knees, then stands. Angles in radians.
 */
public record JumpMotion(StartPoint start, IdleSway sway, double onset, double crouchTime, double pushTime,
                         double flightTime, double landTime, double crouchKnee, double crouchLean, double armBack,
                         double armUp, double tuck, double landKnee, double distance) implements ActionMotion {
    private static final double GRAVITY = 9.81;

    public static JumpMotion sample(double clipSeconds, SplittableRandom random) {
        double crouch = random.nextDouble(0.2, 0.4);
        double push = random.nextDouble(0.12, 0.2);
        double flight = random.nextDouble(0.3, 0.5);
        double land = random.nextDouble(0.2, 0.35);
        // a short clip gets a quicker jump rather than half of one; the flight is physics and shrinks last
        double budget = 0.95 * clipSeconds;
        double others = crouch + push + land;
        double squeeze = Math.min(1, Math.max(0.4, (budget - flight) / others));
        crouch *= squeeze;
        push *= squeeze;
        land *= squeeze;
        flight = Math.max(0.1, Math.min(flight, budget - (crouch + push + land)));
        double total = crouch + push + flight + land;
        return new JumpMotion(StartPoint.sample(random), IdleSway.sample(random),
                ClipTiming.onset(random, total, clipSeconds), crouch, push, flight, land,
                toRadians(random.nextDouble(50, 90)), toRadians(random.nextDouble(15, 35)),
                toRadians(random.nextDouble(30, 60)), toRadians(random.nextDouble(100, 170)),
                toRadians(random.nextDouble(5, 35)), toRadians(random.nextDouble(30, 60)),
                random.nextDouble() < 0.5 ? 0 : random.nextDouble(0.2, 0.8));
    }

    @Override
    public PersonAction action() {
        return PersonAction.JUMP;
    }

    @Override
    public BodyPose at(double seconds) {
        double takeoff = onset + crouchTime + pushTime;
        double landing = takeoff + flightTime;
        Posture standing = sway.apply(Posture.STANDING, seconds);
        Posture posture;
        double lift = 0;
        if (seconds < onset + crouchTime) {
            posture = standing.blend(crouched(), Easing.smoothRamp(seconds, onset, crouchTime));
        } else if (seconds < takeoff) {
            posture = crouched().blend(extended(), Easing.smoothRamp(seconds, onset + crouchTime, pushTime));
        } else if (seconds < landing) {
            double airborne = seconds - takeoff;
            lift = GRAVITY / 2 * airborne * (flightTime - airborne);
            double bend = tuck * Easing.bump(airborne / flightTime);
            posture = bent(extended(), bend);
        } else {
            double absorbing = Easing.ramp(seconds, landing, landTime);
            posture = bent(extended().blend(standing, Easing.smooth(absorbing)), landKnee * Easing.bump(absorbing));
        }
        StartPoint feet = start.ahead(distance * Easing.ramp(seconds, takeoff, flightTime));
        return new BodyPose(feet.x(), feet.z(), feet.heading(), BodyPose.Anchor.FEET, lift, posture);
    }

    private Posture crouched() {
        Posture.Leg leg = new Posture.Leg(crouchKnee * 0.75, toRadians(4), crouchKnee);
        Posture.Arm arm = new Posture.Arm(-armBack, toRadians(10), 0, toRadians(15));
        return Posture.STANDING.withLegs(leg, leg).withArms(arm, arm).withTorso(crouchLean, 0, 0)
                .withHead(toRadians(10), 0);
    }

    private Posture extended() {
        Posture.Leg leg = new Posture.Leg(-toRadians(3), toRadians(4), toRadians(3));
        Posture.Arm arm = new Posture.Arm(armUp, toRadians(12), 0, toRadians(20));
        return Posture.STANDING.withLegs(leg, leg).withArms(arm, arm).withTorso(toRadians(5), 0, 0)
                .withHead(-toRadians(5), 0);
    }

    /** Knees bent by {@code knee}, the hips and torso following so the weight stays over the feet. */
    private static Posture bent(Posture posture, double knee) {
        Posture.Leg left = posture.leftLeg();
        Posture.Leg right = posture.rightLeg();
        return posture
                .withLegs(new Posture.Leg(left.flexion() + knee * 0.7, left.abduction(), left.knee() + knee),
                        new Posture.Leg(right.flexion() + knee * 0.7, right.abduction(), right.knee() + knee))
                .withTorso(posture.torsoPitch() + knee * 0.3, posture.torsoRoll(), posture.torsoTwist());
    }
}

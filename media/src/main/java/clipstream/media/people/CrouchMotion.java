package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code crouch}: squatting down on the feet, hips below the knees, torso leaning forward for balance and the arms
 * forward or on the knees, then holding there. Angles in radians.
 */
public record CrouchMotion(StartPoint start, IdleSway sway, double onset, double downTime, double hipFlexion,
                           double knee, double stance, double lean, double armFlexion, double elbow)
        implements ActionMotion {

    public static CrouchMotion sample(double clipSeconds, SplittableRandom random) {
        double down = ClipTiming.fitted(random, 0.5, 1.0, clipSeconds, 0.7);
        return new CrouchMotion(StartPoint.sample(random), IdleSway.sample(random),
                ClipTiming.onset(random, down, clipSeconds), down, toRadians(random.nextDouble(100, 125)),
                toRadians(random.nextDouble(120, 150)), toRadians(random.nextDouble(8, 20)),
                toRadians(random.nextDouble(15, 40)), toRadians(random.nextDouble(20, 70)),
                toRadians(random.nextDouble(20, 90)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.CROUCH;
    }

    @Override
    public BodyPose at(double seconds) {
        double down = Easing.smoothRamp(seconds, onset, downTime);
        Posture.Leg leg = new Posture.Leg(hipFlexion * down, toRadians(3) + stance * down, knee * down);
        Posture.Arm arm = new Posture.Arm(armFlexion * down, toRadians(6 + 10 * down), 0,
                toRadians(10) + (elbow - toRadians(10)) * down);
        Posture posture = Posture.STANDING.withLegs(leg, leg).withArms(arm, arm).withTorso(lean * down, 0, 0)
                .withHead(-lean * 0.5 * down, 0);
        return BodyPose.onFeet(start, sway.apply(posture, seconds).blend(posture, down));
    }
}

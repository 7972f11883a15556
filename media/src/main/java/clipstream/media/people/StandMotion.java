package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/** {@code stand}: standing in place, swaying, shifting weight, looking around; hands hanging or held in front. */
public record StandMotion(StartPoint start, IdleSway sway, Posture.Arm leftArm, Posture.Arm rightArm, double stance)
        implements ActionMotion {

    public static StandMotion sample(SplittableRandom random) {
        return new StandMotion(StartPoint.sample(random), IdleSway.sample(random), restingArm(random),
                restingArm(random), toRadians(random.nextDouble(1, 8)));
    }

    /** An arm at rest: mostly hanging, sometimes with the hand in front (holding a phone, hands together). */
    static Posture.Arm restingArm(SplittableRandom random) {
        boolean inFront = random.nextDouble() < 0.35;
        return new Posture.Arm(toRadians(inFront ? random.nextDouble(10, 35) : random.nextDouble(-5, 8)),
                toRadians(random.nextDouble(3, 12)), 0,
                toRadians(inFront ? random.nextDouble(50, 100) : random.nextDouble(5, 20)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.STAND;
    }

    @Override
    public BodyPose at(double seconds) {
        Posture posture = Posture.STANDING.withArms(leftArm, rightArm)
                .withLegs(new Posture.Leg(0, stance, 0), new Posture.Leg(0, stance, 0));
        return BodyPose.onFeet(start, sway.apply(posture, seconds));
    }
}

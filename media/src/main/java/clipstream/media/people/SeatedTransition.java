package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * The way between standing and sitting on a chair (hips at about knee height), shared by sitting down and standing
 * up: hips and knees bend to the seated angles while the torso leans forward to keep the weight over the feet and
 * straightens again on the seat; the hands go to the thighs. Angles in radians.
 */
public record SeatedTransition(double hipFlexion, double knee, double leanPeak, double leanSeated, double stance,
                               double armFlexion, double elbow, double headPitch) {

    public static SeatedTransition sample(SplittableRandom random) {
        return new SeatedTransition(toRadians(random.nextDouble(80, 100)), toRadians(random.nextDouble(80, 105)),
                toRadians(random.nextDouble(25, 45)), toRadians(random.nextDouble(0, 15)),
                toRadians(random.nextDouble(2, 12)), toRadians(random.nextDouble(15, 45)),
                toRadians(random.nextDouble(30, 80)), toRadians(random.nextDouble(0, 20)));
    }

    /** The posture {@code progress} (0 standing, 1 seated) of the way down. */
    public Posture posture(double progress) {
        double down = Easing.smooth(progress);
        Posture.Leg leg = new Posture.Leg(hipFlexion * down, stance, knee * down);
        Posture.Arm arm = new Posture.Arm(armFlexion * down, toRadians(8), 0,
                toRadians(10) + (elbow - toRadians(10)) * down);
        return Posture.STANDING.withLegs(leg, leg).withArms(arm, arm)
                .withTorso(leanSeated * down + leanPeak * Easing.bump(progress), 0, 0)
                .withHead(headPitch * down, 0);
    }
}

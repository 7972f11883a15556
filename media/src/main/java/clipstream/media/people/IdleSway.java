package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * The small movements of someone standing: the body sways about the ankles (roll and pitch, slow and out of step),
 * weight shifts to one leg while the other knee relaxes, and the head looks around. Nobody stands still, and a model
 * that saw only perfectly still people would take the first sway for an action.
 */
public record IdleSway(double period, double roll, double pitch, double phase, double relaxedKnee, double headYaw,
                       double headPeriod, double headPhase) {

    public static IdleSway sample(SplittableRandom random) {
        return new IdleSway(random.nextDouble(2.5, 6), toRadians(random.nextDouble(0.3, 1.5)),
                toRadians(random.nextDouble(0.2, 1.0)), random.nextDouble(), toRadians(random.nextDouble(0, 8)),
                toRadians(random.nextDouble(0, 25)), random.nextDouble(2, 6), random.nextDouble());
    }

    /** {@code posture} with the sway of time {@code t} added. */
    public Posture apply(Posture posture, double t) {
        double shift = Math.sin(2 * Math.PI * (t / period + phase));
        double rock = Math.sin(2 * Math.PI * (0.7 * t / period + phase + 0.3));
        // the unloaded leg (the one the body sways away from) bends a little
        BodySide unloaded = shift > 0 ? BodySide.RIGHT : BodySide.LEFT;
        Posture.Leg leg = posture.leg(unloaded);
        double look = Math.sin(2 * Math.PI * (t / headPeriod + headPhase));
        return posture.withBody(posture.bodyPitch() + pitch * rock, posture.bodyRoll() + roll * shift)
                .withLeg(unloaded, new Posture.Leg(leg.flexion() + relaxedKnee * Math.abs(shift) * 0.5,
                        leg.abduction(), leg.knee() + relaxedKnee * Math.abs(shift)))
                .withHead(posture.headPitch(), posture.headYaw() + headYaw * look);
    }
}

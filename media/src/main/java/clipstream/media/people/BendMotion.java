package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code bend}: bending down to pick something up and, if the clip lasts, coming back up. The torso pitches forward
 * at the hips (stooping, knees a little bent) and the reaching hands hang towards the floor; to keep the weight over
 * the feet the hips go back, by leaning the legs back at the ankles ({@code hipsBack}) and bending the hips more
 * than the knees. {@code hand} is the one hand that reaches, or empty for both. Angles in radians.
 */
public record BendMotion(StartPoint start, IdleSway sway, Optional<BodySide> hand, double onset, double downTime,
                         double holdTime, double upTime, double torsoPitch, double knee, double hipFlexion,
                         double hipsBack, double reach, double headPitch) implements ActionMotion {

    public static BendMotion sample(double clipSeconds, SplittableRandom random) {
        double down = ClipTiming.fitted(random, 0.4, 0.8, clipSeconds, 0.6);
        double knee = toRadians(random.nextDouble(10, 60));
        Optional<BodySide> hand = random.nextBoolean() ? Optional.empty()
                : Optional.of(random.nextBoolean() ? BodySide.LEFT : BodySide.RIGHT);
        return new BendMotion(StartPoint.sample(random), IdleSway.sample(random), hand,
                random.nextDouble(0, Math.max(0.01, clipSeconds - down - 0.15) * 0.4), down,
                random.nextDouble(0.1, 0.5), random.nextDouble(0.5, 0.9), toRadians(random.nextDouble(65, 100)), knee,
                knee * random.nextDouble(0.7, 1.0), toRadians(random.nextDouble(3, 8)),
                toRadians(random.nextDouble(0, 20)), toRadians(random.nextDouble(10, 35)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.BEND;
    }

    @Override
    public BodyPose at(double seconds) {
        double bent = Easing.smoothRamp(seconds, onset, downTime)
                - Easing.smoothRamp(seconds, onset + downTime + holdTime, upTime);
        Posture.Leg leg = new Posture.Leg(hipFlexion * bent, toRadians(5), knee * bent);
        // a reaching arm hangs straight down from the tipped torso, a little forwards; a free one rests on the knee
        Posture.Arm reaching = new Posture.Arm((torsoPitch + reach) * bent, toRadians(8), 0, toRadians(10));
        Posture.Arm resting = new Posture.Arm(torsoPitch * 0.6 * bent, toRadians(10), 0, toRadians(10 + 50 * bent));
        Posture.Arm left = hand.isEmpty() || hand.get() == BodySide.LEFT ? reaching : resting;
        Posture.Arm right = hand.isEmpty() || hand.get() == BodySide.RIGHT ? reaching : resting;
        Posture posture = Posture.STANDING.withLegs(leg, leg).withArms(left, right).withBody(-hipsBack * bent, 0)
                .withTorso((torsoPitch + hipsBack) * bent, 0, 0).withHead(headPitch * bent, 0);
        return BodyPose.onFeet(start, sway.apply(posture, seconds).blend(posture, bent));
    }
}

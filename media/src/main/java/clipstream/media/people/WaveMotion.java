package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code wave}: one or both arms raised above the shoulder, the forearm swinging side to side about the elbow.
 * {@code forearmAngle} is the forearm's angle from hanging straight down (π is straight up), {@code amplitude} its
 * swing either side. Angles in radians, {@code frequency} in Hz.
 */
public record WaveMotion(StartPoint start, IdleSway sway, Arms arms, Posture.Arm restingLeft,
                         Posture.Arm restingRight, double onset, double raiseTime, double flexion, double abduction,
                         double forearmAngle, double amplitude, double frequency) implements ActionMotion {

    /** Which arms wave. */
    public enum Arms { LEFT, RIGHT, BOTH }

    public static WaveMotion sample(double clipSeconds, SplittableRandom random) {
        double raise = ClipTiming.fitted(random, 0.2, 0.5, clipSeconds, 0.4);
        double amplitude = toRadians(random.nextDouble(15, 30));
        double abduction = toRadians(random.nextDouble(110, 145));
        double lowestForearm = Math.max(toRadians(150), abduction + amplitude + toRadians(5));
        return new WaveMotion(StartPoint.sample(random), IdleSway.sample(random),
                Arms.values()[random.nextInt(Arms.values().length)], StandMotion.restingArm(random),
                StandMotion.restingArm(random), random.nextDouble(0, Math.max(0.01, 0.5 * clipSeconds - raise)),
                raise, toRadians(random.nextDouble(0, 30)), abduction,
                random.nextDouble(lowestForearm, lowestForearm + toRadians(25)), amplitude,
                random.nextDouble(1.5, 3));
    }

    @Override
    public PersonAction action() {
        return PersonAction.WAVE;
    }

    @Override
    public BodyPose at(double seconds) {
        double raised = Easing.smoothRamp(seconds, onset, raiseTime);
        double swing = amplitude * Math.sin(2 * Math.PI * frequency * (seconds - onset)) * raised;
        // with the arm turned outwards a quarter turn the elbow bends in the body's plane: the forearm's angle from
        // hanging down is abduction + elbow
        Posture.Arm waving = new Posture.Arm(flexion, abduction, toRadians(90), forearmAngle - abduction + swing);
        Posture.Arm left = arms == Arms.RIGHT ? restingLeft : restingLeft.blend(waving, raised);
        Posture.Arm right = arms == Arms.LEFT ? restingRight : restingRight.blend(waving, raised);
        return BodyPose.onFeet(start, sway.apply(Posture.STANDING.withArms(left, right), seconds));
    }
}

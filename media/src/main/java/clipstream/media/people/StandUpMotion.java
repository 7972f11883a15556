package clipstream.media.people;

import java.util.SplittableRandom;

/** {@code stand_up}: from sitting on a seat to standing, leaning forward to bring the weight over the feet first. */
public record StandUpMotion(StartPoint start, SeatedTransition transition, IdleSway sway, double onset,
                            double duration) implements ActionMotion {

    public static StandUpMotion sample(double clipSeconds, SplittableRandom random) {
        double duration = ClipTiming.fitted(random, 0.9, 1.6, clipSeconds, 0.85);
        return new StandUpMotion(StartPoint.sample(random), SeatedTransition.sample(random), IdleSway.sample(random),
                ClipTiming.onset(random, duration, clipSeconds), duration);
    }

    @Override
    public PersonAction action() {
        return PersonAction.STAND_UP;
    }

    @Override
    public BodyPose at(double seconds) {
        double progress = Easing.ramp(seconds, onset, duration);
        Posture posture = transition.posture(1 - progress);
        return BodyPose.onFeet(start, sway.apply(posture, seconds).blend(posture, 1 - Easing.smooth(progress)));
    }
}

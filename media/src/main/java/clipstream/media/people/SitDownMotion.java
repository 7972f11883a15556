package clipstream.media.people;

import java.util.SplittableRandom;

/** {@code sit_down}: from standing to sitting on a seat behind, the feet staying where they are. */
public record SitDownMotion(StartPoint start, SeatedTransition transition, IdleSway sway, double onset,
                            double duration) implements ActionMotion {

    public static SitDownMotion sample(double clipSeconds, SplittableRandom random) {
        double duration = ClipTiming.fitted(random, 0.9, 1.6, clipSeconds, 0.85);
        return new SitDownMotion(StartPoint.sample(random), SeatedTransition.sample(random), IdleSway.sample(random),
                ClipTiming.onset(random, duration, clipSeconds), duration);
    }

    @Override
    public PersonAction action() {
        return PersonAction.SIT_DOWN;
    }

    @Override
    public BodyPose at(double seconds) {
        double progress = Easing.ramp(seconds, onset, duration);
        Posture posture = transition.posture(progress);
        // sway belongs to standing: it fades out on the way down
        return BodyPose.onFeet(start, sway.apply(posture, seconds).blend(posture, Easing.smooth(progress)));
    }
}

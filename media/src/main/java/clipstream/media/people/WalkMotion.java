package clipstream.media.people;

import java.util.SplittableRandom;

/** {@code walk}: walking along a straight or gently curving path. */
public record WalkMotion(BodyProportions body, StartPoint start, Gait gait, double turnRate) implements ActionMotion {

    public static WalkMotion sample(BodyProportions body, SplittableRandom random) {
        double turnRate = random.nextDouble() < 0.6 ? 0 : random.nextDouble(-0.4, 0.4);
        return new WalkMotion(body, StartPoint.sample(random), Gait.walking(body, random), turnRate);
    }

    @Override
    public PersonAction action() {
        return PersonAction.WALK;
    }

    @Override
    public BodyPose at(double seconds) {
        StartPoint here = start.travelled(gait.speed(), turnRate, seconds);
        return new BodyPose(here.x(), here.z(), here.heading(), BodyPose.Anchor.PELVIS, gait.lift(seconds, body),
                gait.posture(seconds, body));
    }
}

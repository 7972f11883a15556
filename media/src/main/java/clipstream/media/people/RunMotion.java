package clipstream.media.people;

import java.util.SplittableRandom;

/** {@code run}: running with a flight phase, a forward lean, bent elbows and a wide arm swing. */
public record RunMotion(BodyProportions body, StartPoint start, Gait gait, double turnRate) implements ActionMotion {

    public static RunMotion sample(BodyProportions body, SplittableRandom random) {
        double turnRate = random.nextDouble() < 0.7 ? 0 : random.nextDouble(-0.3, 0.3);
        return new RunMotion(body, StartPoint.sample(random), Gait.running(body, random), turnRate);
    }

    @Override
    public PersonAction action() {
        return PersonAction.RUN;
    }

    @Override
    public BodyPose at(double seconds) {
        StartPoint here = start.travelled(gait.speed(), turnRate, seconds);
        return new BodyPose(here.x(), here.z(), here.heading(), BodyPose.Anchor.PELVIS, gait.lift(seconds, body),
                gait.posture(seconds, body));
    }
}

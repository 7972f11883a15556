package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code punch}: one to three straight punches from a guard (fists by the chin, one foot forward, knees soft). Each
 * punch drives a fist out to the {@code strike} arm and back, the shoulders turning into it; with {@code alternate}
 * the hands take turns. A person not yet in guard raises it first, over {@code guardTime}. Angles in radians.
 */
public record PunchMotion(StartPoint start, IdleSway sway, BodySide hand, boolean alternate, int punches,
                          double onset, double guardTime, double interval, double strikeTime, double retractTime,
                          Posture.Arm guard, Posture.Arm strike, BodySide leadFoot, double stanceHip,
                          double stanceKnee, double twist) implements ActionMotion {

    public static PunchMotion sample(double clipSeconds, SplittableRandom random) {
        double guardTime = random.nextBoolean() ? 0 : random.nextDouble(0.15, 0.3);
        double strike = random.nextDouble(0.08, 0.15);
        double retract = random.nextDouble(0.12, 0.22);
        double interval = strike + retract + random.nextDouble(0.03, 0.25);
        int punches = random.nextInt(1, 4);
        while (punches > 1 && guardTime + (punches - 1) * interval + strike + retract > 0.9 * clipSeconds) {
            punches--;
        }
        double busy = guardTime + (punches - 1) * interval + strike + retract;
        return new PunchMotion(StartPoint.sample(random), IdleSway.sample(random),
                random.nextBoolean() ? BodySide.LEFT : BodySide.RIGHT, random.nextBoolean(), punches,
                ClipTiming.onset(random, busy, clipSeconds), guardTime, interval, strike, retract,
                new Posture.Arm(toRadians(random.nextDouble(35, 60)), toRadians(random.nextDouble(10, 25)), 0,
                        toRadians(random.nextDouble(100, 130))),
                new Posture.Arm(toRadians(random.nextDouble(80, 95)), toRadians(random.nextDouble(-5, 12)), 0,
                        toRadians(random.nextDouble(0, 15))),
                random.nextBoolean() ? BodySide.LEFT : BodySide.RIGHT, toRadians(random.nextDouble(8, 20)),
                toRadians(random.nextDouble(10, 25)), toRadians(random.nextDouble(15, 35)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.PUNCH;
    }

    @Override
    public BodyPose at(double seconds) {
        double guarded = guardTime == 0 ? 1 : Easing.smoothRamp(seconds, onset, guardTime);
        Posture.Arm relaxed = Posture.STANDING.leftArm();
        Posture.Arm guarding = relaxed.blend(guard, guarded);
        Posture.Leg lead = new Posture.Leg((stanceHip + stanceKnee * 0.4) * guarded, toRadians(6),
                stanceKnee * guarded);
        Posture.Leg rear = new Posture.Leg((-stanceHip * 0.6 + stanceKnee * 0.4) * guarded, toRadians(6),
                stanceKnee * guarded);
        Posture posture = Posture.STANDING.withArms(guarding, guarding).withLeg(leadFoot, lead)
                .withLeg(leadFoot.other(), rear).withTorso(toRadians(8) * guarded, 0, 0);
        double turn = 0;
        for (int i = 0; i < punches; i++) {
            double at = onset + guardTime + i * interval;
            double out = Easing.smoothRamp(seconds, at, strikeTime)
                    - Easing.smoothRamp(seconds, at + strikeTime, retractTime);
            if (out > 0) {
                BodySide punching = alternate && i % 2 == 1 ? hand.other() : hand;
                posture = posture.withArm(punching, guarding.blend(strike, out));
                // a right hand drives the right shoulder forward: the shoulders turn to the left
                turn -= punching.sign() * twist * out;
            }
        }
        posture = posture.withTorso(posture.torsoPitch(), 0, turn);
        return BodyPose.onFeet(start, sway.apply(posture, seconds).blend(posture, guarded));
    }
}

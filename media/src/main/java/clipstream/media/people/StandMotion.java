package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * {@code stand}: standing in place, swaying, shifting weight, looking around; hands hanging or held in front, and
 * half the time one hand busy below the shoulder: brought up to the face or the chest and down again (a phone, a
 * cigarette, a gesture while talking), fiddling while it is up. People standing on real cameras do this, and a model
 * that only saw still arms took them for {@code wave} (docs/benchmarks.md, "people model on real footage").
 */
public record StandMotion(StartPoint start, IdleSway sway, Posture.Arm leftArm, Posture.Arm rightArm, double stance,
                          Fidget fidget) implements ActionMotion {

    /**
     * One arm ({@code side}) moving between its resting posture and {@code raised} (the hand at the face or chest,
     * elbow bent, upper arm below the shoulder): up for a share {@code duty} of each {@code period} seconds, with
     * smooth transitions, the forearm fiddling by {@code fiddle} radians at {@code fiddleHz} while up. None: still
     * arms.
     */
    public record Fidget(BodySide side, Posture.Arm raised, double period, double phase, double duty, double fiddle,
                         double fiddleHz) {

        static Fidget sample(SplittableRandom random) {
            BodySide side = random.nextBoolean() ? BodySide.LEFT : BodySide.RIGHT;
            Posture.Arm raised = new Posture.Arm(toRadians(random.nextDouble(15, 55)),
                    toRadians(random.nextDouble(5, 25)), toRadians(random.nextDouble(-10, 20)),
                    toRadians(random.nextDouble(95, 145)));
            return new Fidget(side, raised, random.nextDouble(2, 6), random.nextDouble(), random.nextDouble(0.3, 0.8),
                    toRadians(random.nextDouble(3, 12)), random.nextDouble(0.5, 2));
        }

        /** How far up the arm is at {@code t}: 0 resting, 1 raised. */
        double weight(double t) {
            double cycle = (t / period + phase) % 1.0;
            // a smooth pulse: up over the first 15 % of the duty, held, down over its last 15 %
            double edge = 0.15 * duty;
            if (cycle >= duty) {
                return 0;
            }
            double up = Math.min(1, cycle / edge);
            double down = Math.min(1, (duty - cycle) / edge);
            return Easing.smooth(Math.min(up, down));
        }

        Posture.Arm at(Posture.Arm resting, double t) {
            double w = weight(t);
            Posture.Arm up = new Posture.Arm(raised.flexion(), raised.abduction(), raised.rotation(),
                    raised.elbow() + fiddle * Math.sin(2 * Math.PI * fiddleHz * t));
            return resting.blend(up, w);
        }
    }

    public static StandMotion sample(SplittableRandom random) {
        StandMotion still = new StandMotion(StartPoint.sample(random), IdleSway.sample(random), restingArm(random),
                restingArm(random), toRadians(random.nextDouble(1, 8)), null);
        return random.nextDouble() < 0.5 ? still.withFidget(Fidget.sample(random)) : still;
    }

    StandMotion withFidget(Fidget newFidget) {
        return new StandMotion(start, sway, leftArm, rightArm, stance, newFidget);
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
        Posture.Arm left = fidget != null && fidget.side() == BodySide.LEFT ? fidget.at(leftArm, seconds) : leftArm;
        Posture.Arm right = fidget != null && fidget.side() == BodySide.RIGHT ? fidget.at(rightArm, seconds) : rightArm;
        Posture posture = Posture.STANDING.withArms(left, right)
                .withLegs(new Posture.Leg(0, stance, 0), new Posture.Leg(0, stance, 0));
        return BodyPose.onFeet(start, sway.apply(posture, seconds));
    }
}

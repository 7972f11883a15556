package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.SplittableRandom;

/**
 * A walking or running gait. The pelvis travels at {@code speed}; each ankle follows a target relative to it and
 * the hip and knee are solved to reach it (two-link inverse kinematics). In stance the target is planted on the
 * ground, so the foot does not slide; when the trailing leg cannot reach it any more the ankle rises with the
 * straight leg, as the heel does before push-off. In swing the target is carried forward and lifted by up to
 * {@code clearance} metres. A cycle is two steps, the legs half a cycle apart, the arms swinging against them.
 *
 * <p>{@code stanceFraction} is the share of the cycle a foot is on the ground: above one half both are down at once
 * (walking), below it neither is for a while (running's flight, a ballistic arc). {@code contactShare}: how much of
 * a foot's stance lies ahead of the hip. A walker's pelvis vaults over the newest planted leg, whose knee bends from
 * {@code contactKnee} at touch-down to {@code stanceKnee} at mid-stance; a runner's pelvis is lowest at touch-down
 * with the knee at {@code contactKnee}, sinks by {@code compression} metres at mid-stance and flies between steps.
 * Angles in radians, lengths in metres; a parameter that the other gait uses is 0.
 */
public record Gait(double speed, double stepFrequency, double stanceFraction, double contactShare, double phase,
                   double contactKnee, double stanceKnee, double compression, double clearance, double armSwing,
                   double elbow, double elbowSwing, double lean, double twist, double headPitch) {
    private static final double GRAVITY = 9.81;

    /**
     * A walk. Speed and cadence are tied through the walk ratio, step length over cadence, which stays near
     * 0.0064 m per step/min across speeds for adults (Sekiya &amp; Nagasaki 1998), scaled by stature.
     */
    public static Gait walking(BodyProportions body, SplittableRandom random) {
        double speed = random.nextDouble(0.8, 1.7);
        double walkRatio = random.nextDouble(0.0055, 0.0073) * body.height() / 1.7;
        double stepFrequency = Math.sqrt(60 * speed / walkRatio) / 60;
        double stanceFraction = random.nextDouble(0.58, 0.64);
        // the leg landing and the leg leaving stand symmetrically about the hip, so the pelvis's arc over one
        // continues into the arc over the other
        double contactShare = 0.25 / stanceFraction;
        return new Gait(speed, stepFrequency, stanceFraction, contactShare, random.nextDouble(),
                toRadians(random.nextDouble(2, 6)), toRadians(random.nextDouble(12, 22)), 0,
                random.nextDouble(0.06, 0.12), toRadians(random.nextDouble(12, 30)),
                toRadians(random.nextDouble(10, 25)), toRadians(random.nextDouble(5, 15)),
                toRadians(random.nextDouble(0, 6)), toRadians(random.nextDouble(3, 7)),
                toRadians(random.nextDouble(0, 15)));
    }

    /** A run from jogging to fast: cadence 155–185 steps/min, a foot on the ground 30–40 % of the cycle. */
    public static Gait running(BodyProportions body, SplittableRandom random) {
        return new Gait(random.nextDouble(2.2, 4.5) * body.height() / 1.7, random.nextDouble(2.6, 3.1),
                random.nextDouble(0.30, 0.40), random.nextDouble(0.25, 0.35), random.nextDouble(),
                toRadians(random.nextDouble(10, 20)), 0, random.nextDouble(0.01, 0.04), random.nextDouble(0.2, 0.45),
                toRadians(random.nextDouble(25, 45)), toRadians(random.nextDouble(75, 100)),
                toRadians(random.nextDouble(0, 20)), toRadians(random.nextDouble(5, 12)),
                toRadians(random.nextDouble(5, 10)), toRadians(random.nextDouble(0, 10)));
    }

    public double stepLength() {
        return speed / stepFrequency;
    }

    /** Where in its cycle (0–1) the left leg is at time {@code t}; 0 is its foot touching down. */
    public double cycle(double t) {
        return Easing.cycle(t * stepFrequency / 2 + phase);
    }

    /** Whether the foot of {@code side} is planted at time {@code t}. */
    public boolean inStance(BodySide side, double t) {
        return legCycle(side, t) < stanceFraction;
    }

    /** The limbs and torso at time {@code t}; the pelvis travels at {@code speed} separately. */
    public Posture posture(double t, BodyProportions body) {
        double left = legCycle(BodySide.LEFT, t);
        double right = legCycle(BodySide.RIGHT, t);
        double pelvis = pelvisHeight(cycle(t), body);
        return new Posture(0, 0, lean, 0, twist * Math.cos(2 * Math.PI * left), headPitch, 0, arm(left), arm(right),
                leg(left, pelvis, body).leg(), leg(right, pelvis, body).leg());
    }

    /** How high the body's lowest point (an ankle) is above the ground at time {@code t}. */
    public double lift(double t, BodyProportions body) {
        double pelvis = pelvisHeight(cycle(t), body);
        double lowest = Math.max(leg(legCycle(BodySide.LEFT, t), pelvis, body).down(),
                leg(legCycle(BodySide.RIGHT, t), pelvis, body).down());
        return Math.max(0, pelvis - body.ankleHeight() - lowest);
    }

    private double legCycle(BodySide side, double t) {
        return side == BodySide.LEFT ? cycle(t) : Easing.cycle(cycle(t) + 0.5);
    }

    private double excursion() {
        return speed * stanceFraction * 2 / stepFrequency; // how far the pelvis passes over a planted foot
    }

    /** The pelvis's height above the ground when the left leg is at {@code cycle}; it repeats every step. */
    private double pelvisHeight(double cycle, BodyProportions body) {
        if (stanceFraction >= 0.5) {
            // over the leg that touched down last, until the other one does, half a cycle later
            double newest = cycle < 0.5 ? cycle : cycle - 0.5;
            double knee = contactKnee + (stanceKnee - contactKnee) * Easing.bump(2 * newest);
            double forward = excursion() * (contactShare - newest / stanceFraction);
            return body.ankleHeight() + contactDrop(knee, forward, body);
        }
        double contact = body.ankleHeight() + contactDrop(contactKnee, contactShare * excursion(), body);
        double step = Easing.cycle(2 * cycle) / 2;
        if (step < stanceFraction) {
            return contact - compression * Easing.bump(step / stanceFraction);
        }
        double period = 2 / stepFrequency;
        double flight = (0.5 - stanceFraction) * period;
        double airborne = (step - stanceFraction) * period;
        return contact + GRAVITY / 2 * airborne * (flight - airborne);
    }

    /** One leg at {@code cycle}: its ankle's target relative to the hip, reached as far as the leg allows. */
    private LegReach leg(double cycle, double pelvis, BodyProportions body) {
        double excursion = excursion();
        double hipAboveGround = pelvis - body.ankleHeight();
        if (cycle < stanceFraction) {
            double s = cycle / stanceFraction;
            return LegReach.towards(excursion * (contactShare - s), hipAboveGround, body);
        }
        double s = (cycle - stanceFraction) / (1 - stanceFraction);
        // the swing starts where push-off left the ankle: raised if the trailing leg ran out of reach
        double pushOffPelvis = pelvisHeight(stanceFraction, body) - body.ankleHeight();
        LegReach pushOff = LegReach.towards(-excursion * (1 - contactShare), pushOffPelvis, body);
        double heelRise = pushOffPelvis - pushOff.down();
        double forward = excursion * (Easing.smooth(s) - 1 + contactShare);
        // the foot is highest early in the swing (a third of the way) and comes down to the ground at touch-down
        double height = heelRise * (1 - Easing.smooth(s)) + clearance * Math.sin(Math.PI * Math.pow(s, 0.6));
        return LegReach.towards(forward, hipAboveGround - height, body);
    }

    /** The hip's height above the ankle at touch-down: the foot {@code forward} ahead, the knee bent {@code knee}. */
    private static double contactDrop(double knee, double forward, BodyProportions body) {
        double reach = reach(knee, body);
        return Math.sqrt(Math.max(0, reach * reach - forward * forward));
    }

    /** Hip to ankle with the knee bent by {@code knee}. */
    private static double reach(double knee, BodyProportions body) {
        double thigh = body.thigh();
        double shin = body.shin();
        return Math.sqrt(thigh * thigh + shin * shin + 2 * thigh * shin * Math.cos(knee));
    }

    private Posture.Arm arm(double legCycle) {
        // the arm is furthest back when its own leg touches down ahead
        double swing = -Math.cos(2 * Math.PI * legCycle);
        return new Posture.Arm(armSwing * (0.3 + swing), toRadians(8), 0, elbow + elbowSwing * (1 + swing) / 2);
    }

    /** A leg solved for an ankle target, and how far below the hip its ankle actually ends up. */
    private record LegReach(Posture.Leg leg, double down) {

        /** The leg reaching for an ankle {@code forward} ahead of, {@code below} the hip; straight if out of reach. */
        static LegReach towards(double forward, double below, BodyProportions body) {
            double thigh = body.thigh();
            double shin = body.shin();
            double distance = Math.hypot(forward, below);
            double direction = Math.atan2(forward, below);
            double abduction = toRadians(2);
            if (distance >= thigh + shin) {
                return new LegReach(new Posture.Leg(direction, abduction, 0), (thigh + shin) * Math.cos(direction));
            }
            double cosKnee = (distance * distance - thigh * thigh - shin * shin) / (2 * thigh * shin);
            double knee = Math.acos(Math.max(-1, Math.min(1, cosKnee)));
            double offset = Math.atan2(shin * Math.sin(knee), thigh + shin * Math.cos(knee));
            return new LegReach(new Posture.Leg(direction + offset, abduction, knee), below);
        }
    }
}

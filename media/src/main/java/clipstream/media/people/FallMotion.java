package clipstream.media.people;

import static java.lang.Math.toRadians;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code fall}: a person standing, or walking ({@code approach}), loses balance at {@code onset} and topples about the
 * feet forwards, backwards or sideways (relative to their own facing) to lie near horizontal on the ground. The tilt
 * accelerates like a falling body ({@code finalTilt} × τ², τ the share of {@code duration} gone), the knees buckle on
 * the way and the arms go to where they break the fall; a walker's feet still slide on by {@code slide} metres.
 * Most of the height goes in the second half of {@code duration}, 0.55–0.9 s from the loss of balance to the
 * impact: a guess in line with falls filmed in the lab, where the impact comes well within a second; to be checked
 * against real footage.
 */
public record FallMotion(BodyProportions body, StartPoint start, Optional<Gait> approach, Direction direction,
                         double onset, double duration, double finalTilt, double kneeBuckle, Posture lying,
                         double slide, IdleSway sway, double feetX, double feetZ) implements ActionMotion {

    /** Which way the body goes down, relative to where the person faces. */
    public enum Direction { FORWARD, BACKWARD, LEFT, RIGHT }

    public static FallMotion sample(BodyProportions body, double clipSeconds, SplittableRandom random) {
        StartPoint start = StartPoint.sample(random);
        Optional<Gait> approach = random.nextBoolean() ? Optional.of(Gait.walking(body, random)) : Optional.empty();
        Direction direction = Direction.values()[random.nextInt(Direction.values().length)];
        double duration = ClipTiming.fitted(random, 0.55, 0.9, clipSeconds, 0.7);
        double onset = ClipTiming.onset(random, duration, clipSeconds);
        IdleSway sway = IdleSway.sample(random);
        double finalTilt = toRadians(random.nextDouble(85, 95));
        double kneeBuckle = toRadians(random.nextDouble(30, 65));
        Posture lying = lying(direction, random);
        double slide = approach.map(gait -> gait.speed() * random.nextDouble(0.1, 0.25)).orElse(0.0);
        // the feet's place when balance goes: a walker's is wherever the walk has brought them
        Vector3[] joints = new Skeleton(body).joints(upright(body, start, approach, sway, onset));
        Vector3 feet = Vector3.midpoint(joints[Joint.LEFT_ANKLE.ordinal()], joints[Joint.RIGHT_ANKLE.ordinal()]);
        return new FallMotion(body, start, approach, direction, onset, duration, finalTilt, kneeBuckle, lying, slide,
                sway, feet.x(), feet.z());
    }

    /** Limbs and torso at the end of the fall, before the tilt: arms where they broke it, knees a little bent. */
    private static Posture lying(Direction direction, SplittableRandom random) {
        // legs nearly together (a leg spread sideways would prop up a body lying on its side), hips straight when
        // lying face down (bent hips would lift the pelvis off the ground)
        double hips = direction == Direction.FORWARD ? 10 : 30;
        Posture.Leg leg = new Posture.Leg(toRadians(random.nextDouble(0, hips)), toRadians(random.nextDouble(0, 6)),
                toRadians(random.nextDouble(10, 35)));
        Posture.Leg other = new Posture.Leg(toRadians(random.nextDouble(0, hips)), toRadians(random.nextDouble(0, 6)),
                toRadians(random.nextDouble(5, 30)));
        Posture legs = Posture.STANDING.withLegs(leg, other);
        return switch (direction) {
            // prone, hands beside the head where they took the weight
            case FORWARD -> legs.withArms(handBesideHead(random), handBesideHead(random))
                    .withHead(-toRadians(random.nextDouble(10, 35)), toRadians(random.nextDouble(-40, 40)));
            // supine, arms thrown out, chin tucked
            case BACKWARD -> legs.withArms(thrownOut(random), thrownOut(random))
                    .withTorso(toRadians(random.nextDouble(0, 10)), 0, 0)
                    .withHead(toRadians(random.nextDouble(5, 25)), toRadians(random.nextDouble(-20, 20)));
            // on one side: the lower arm out in front along the ground where it caught the fall, the upper one resting
            case LEFT, RIGHT -> {
                BodySide lower = direction == Direction.LEFT ? BodySide.LEFT : BodySide.RIGHT;
                Posture.Arm caught = new Posture.Arm(toRadians(random.nextDouble(50, 110)),
                        toRadians(random.nextDouble(-10, 5)), 0, toRadians(random.nextDouble(10, 60)));
                Posture.Arm resting = new Posture.Arm(toRadians(random.nextDouble(10, 60)),
                        toRadians(random.nextDouble(0, 30)), 0, toRadians(random.nextDouble(10, 60)));
                yield legs.withArm(lower, caught).withArm(lower.other(), resting)
                        .withTorso(0, lower.sign() * -toRadians(random.nextDouble(0, 10)), 0)
                        .withHead(0, toRadians(random.nextDouble(-30, 30)));
            }
        };
    }

    private static Posture.Arm handBesideHead(SplittableRandom random) {
        return new Posture.Arm(toRadians(random.nextDouble(-10, 10)), toRadians(random.nextDouble(70, 110)),
                toRadians(90), toRadians(random.nextDouble(50, 100)));
    }

    private static Posture.Arm thrownOut(SplittableRandom random) {
        return new Posture.Arm(toRadians(random.nextDouble(0, 30)), toRadians(random.nextDouble(30, 80)), 0,
                toRadians(random.nextDouble(10, 50)));
    }

    @Override
    public PersonAction action() {
        return PersonAction.FALL;
    }

    @Override
    public BodyPose at(double seconds) {
        if (seconds < onset) {
            return upright(body, start, approach, sway, seconds);
        }
        double progress = Easing.ramp(seconds, onset, duration);
        Posture before = upright(body, start, approach, sway, onset).posture();
        // arms react first (they go out within the first half), the rest follows the tilt
        Posture limbs = before.blend(lying, Easing.smooth(progress));
        Posture arms = before.blend(lying, Easing.smoothRamp(progress, 0, 0.5));
        double tilt = finalTilt * progress * progress;
        double buckle = kneeBuckle * Easing.bump(progress);
        Posture posture = limbs.withArms(arms.leftArm(), arms.rightArm())
                .withLegs(buckled(limbs.leftLeg(), buckle), buckled(limbs.rightLeg(), buckle));
        posture = switch (direction) {
            case FORWARD -> posture.withBody(tilt, 0);
            case BACKWARD -> posture.withBody(-tilt, 0);
            case LEFT -> posture.withBody(0, tilt);
            case RIGHT -> posture.withBody(0, -tilt);
        };
        StartPoint feet = new StartPoint(feetX, feetZ, start.heading()).ahead(slide * Easing.smooth(progress));
        return new BodyPose(feet.x(), feet.z(), feet.heading(), BodyPose.Anchor.FEET, 0, posture);
    }

    /** Before the fall: walking, or standing with the usual sway. */
    private static BodyPose upright(BodyProportions body, StartPoint start, Optional<Gait> approach, IdleSway sway,
                                    double seconds) {
        if (approach.isPresent()) {
            Gait gait = approach.get();
            StartPoint here = start.ahead(gait.speed() * seconds);
            return new BodyPose(here.x(), here.z(), here.heading(), BodyPose.Anchor.PELVIS, gait.lift(seconds, body),
                    gait.posture(seconds, body));
        }
        return BodyPose.onFeet(start, sway.apply(Posture.STANDING, seconds));
    }

    /** A knee buckling: the hip gives with it, so the body sinks rather than kneels. */
    private static Posture.Leg buckled(Posture.Leg leg, double buckle) {
        return new Posture.Leg(leg.flexion() + buckle * 0.5, leg.abduction(), leg.knee() + buckle);
    }
}

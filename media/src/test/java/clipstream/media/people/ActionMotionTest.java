package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ActionMotionTest {
    private static final double CLIP = 1.28;
    private static final int SEEDS = 40;

    @Test
    void walkersAndRunnersMoveThePelvisAtTheirSpeed() {
        for (PersonAction action : new PersonAction[] {PersonAction.WALK, PersonAction.RUN}) {
            for (int seed = 0; seed < SEEDS; seed++) {
                Sampled s = sample(action, seed);
                Gait gait = s.motion() instanceof WalkMotion walk ? walk.gait() : ((RunMotion) s.motion()).gait();
                double path = 0;
                Vector3 previous = pelvis(s.joints(0));
                for (int i = 1; i <= 300; i++) {
                    Vector3 here = pelvis(s.joints(i * 0.01));
                    path += Math.hypot(here.x() - previous.x(), here.z() - previous.z());
                    previous = here;
                }
                assertThat(path / 3.0).as("%s seed %d", action, seed).isCloseTo(gait.speed(), within(0.01));
                assertThat(gait.speed()).isBetween(action == PersonAction.WALK ? 0.8 : 1.9,
                        action == PersonAction.WALK ? 1.7 : 5.2);
            }
        }
    }

    @Test
    void walkingFeetTakeTurnsAndStayPutWhilePlanted() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.WALK, seed);
            Gait gait = ((WalkMotion) s.motion()).gait();
            int switches = 0;
            BodySide lower = null;
            for (int i = 0; i <= 400; i++) {
                Vector3[] joints = s.joints(i * 0.01);
                double left = joints[Joint.LEFT_ANKLE.ordinal()].y();
                double right = joints[Joint.RIGHT_ANKLE.ordinal()].y();
                // a walker always has a foot on the ground
                assertThat(Math.min(left, right)).isCloseTo(s.body().ankleHeight(), within(1e-6));
                BodySide now = left < right - 0.01 ? BodySide.LEFT : right < left - 0.01 ? BodySide.RIGHT : lower;
                if (lower != null && now != lower) {
                    switches++;
                }
                lower = now;
            }
            // one switch per step
            assertThat((double) switches).as("seed %d", seed).isCloseTo(4 * gait.stepFrequency(), within(1.5));
            // a walker on a curve turns the planted foot with the body, so it slides a little
            double slide = ((WalkMotion) s.motion()).turnRate() == 0 ? 0.002 : 0.05;
            assertPlantedFootDoesNotSlide(s, gait, slide);
        }
    }

    private static void assertPlantedFootDoesNotSlide(Sampled s, Gait gait, double slide) {
        // from touch-down to mid-stance the ankle is on the ground and must not move
        double cycleTime = 2 / gait.stepFrequency();
        double touchDown = (1 - gait.phase()) * cycleTime;
        double midStance = touchDown + gait.stanceFraction() / 2 * cycleTime;
        Vector3 a = s.joints(touchDown)[Joint.LEFT_ANKLE.ordinal()];
        Vector3 b = s.joints(midStance)[Joint.LEFT_ANKLE.ordinal()];
        assertThat(Math.hypot(a.x() - b.x(), a.z() - b.z())).isLessThan(slide);
        assertThat(a.y()).isCloseTo(s.body().ankleHeight(), within(1e-6));
    }

    @Test
    void runnersFlyBetweenStepsWalkersDoNot() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.RUN, seed);
            Gait gait = ((RunMotion) s.motion()).gait();
            // the middle of the flight after the left foot's push-off
            double cycleTime = 2 / gait.stepFrequency();
            double flightCycle = (gait.stanceFraction() + 0.5) / 2;
            double t = Easing.cycle(flightCycle - gait.phase()) * cycleTime;
            assertThat(gait.inStance(BodySide.LEFT, t) || gait.inStance(BodySide.RIGHT, t)).isFalse();
            Vector3[] joints = s.joints(t);
            double ground = s.body().ankleHeight();
            assertThat(joints[Joint.LEFT_ANKLE.ordinal()].y()).as("seed %d", seed).isGreaterThan(ground + 0.01);
            assertThat(joints[Joint.RIGHT_ANKLE.ordinal()].y()).as("seed %d", seed).isGreaterThan(ground + 0.01);
            // the run leans forward: the neck is ahead of the pelvis
            Vector3 forward = ((RunMotion) s.motion()).start().forward();
            assertThat(neck(joints).minus(pelvis(joints)).dot(forward)).isGreaterThan(0.02);
            // and its feet take turns on the ground, one step each
            int switches = 0;
            BodySide planted = null;
            for (int i = 0; i <= 300; i++) {
                double time = i * 0.01;
                BodySide now = gait.inStance(BodySide.LEFT, time) ? BodySide.LEFT
                        : gait.inStance(BodySide.RIGHT, time) ? BodySide.RIGHT : planted;
                if (planted != null && now != planted) {
                    // just after touch-down the new foot is the lower one
                    Vector3[] step = s.joints(time + 0.02);
                    Joint ankle = Joint.of(now, "ANKLE");
                    assertThat(step[ankle.ordinal()].y()).isLessThan(step[ankle.mirror().ordinal()].y());
                    switches++;
                }
                planted = now;
            }
            assertThat((double) switches).as("seed %d", seed).isCloseTo(3 * gait.stepFrequency(), within(1.5));
        }
    }

    @Test
    void aFallIsFastAndEndsLyingOnTheGround() {
        int fromWalking = 0;
        boolean[] directions = new boolean[FallMotion.Direction.values().length];
        for (int seed = 0; seed < 60; seed++) {
            Sampled s = sample(PersonAction.FALL, seed);
            FallMotion fall = (FallMotion) s.motion();
            fromWalking += fall.approach().isPresent() ? 1 : 0;
            directions[fall.direction().ordinal()] = true;

            Vector3[] end = s.joints(CLIP);
            double nose = end[Joint.NOSE.ordinal()].y();
            double hips = pelvis(end).y();
            assertThat(nose).as("seed %d %s", seed, fall.direction()).isLessThan(0.65);
            assertThat(hips).as("seed %d %s", seed, fall.direction()).isLessThan(0.45);
            assertThat(Math.abs(nose - hips)).as("seed %d %s", seed, fall.direction()).isLessThan(0.35);
            assertThat(bodyLineDegrees(end)).as("seed %d %s", seed, fall.direction()).isGreaterThan(60);

            // most of the head's drop (90 % to 10 %) takes well under a second
            double top = s.joints(0)[Joint.NOSE.ordinal()].y();
            double drop = top - nose;
            double ninety = Double.NaN;
            double ten = Double.NaN;
            for (int i = 0; i <= 128; i++) {
                double height = s.joints(i * 0.01)[Joint.NOSE.ordinal()].y();
                if (Double.isNaN(ninety) && height < top - 0.1 * drop) {
                    ninety = i * 0.01;
                }
                if (Double.isNaN(ten) && height < top - 0.9 * drop) {
                    ten = i * 0.01;
                }
            }
            assertThat(ten - ninety).as("seed %d", seed).isLessThan(0.8);
        }
        assertThat(fromWalking).isBetween(15, 45);
        assertThat(directions).containsOnly(true);
    }

    @Test
    void sittingDownLowersTheHipsToKneeHeightAndStandingUpRaisesThem() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled sit = sample(PersonAction.SIT_DOWN, seed);
            Vector3[] start = sit.joints(0);
            Vector3[] end = sit.joints(CLIP);
            assertThat(pelvis(end).y() - knees(end).y()).as("seed %d", seed).isBetween(-0.1, 0.1);
            assertThat(pelvis(start).y() - pelvis(end).y()).as("seed %d", seed).isGreaterThan(0.3);
            assertFeetStayPut(sit);

            Sampled stand = sample(PersonAction.STAND_UP, seed);
            assertThat(pelvis(stand.joints(0)).y() - knees(stand.joints(0)).y()).isBetween(-0.1, 0.1);
            assertThat(pelvis(stand.joints(CLIP)).y()).isCloseTo(stand.body().hipHeight(), within(0.04));
        }
    }

    @Test
    void aJumpLeavesTheGroundWithBothFeetAndLands() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.JUMP, seed);
            JumpMotion jump = (JumpMotion) s.motion();
            double ground = s.body().ankleHeight();
            double apex = jump.onset() + jump.crouchTime() + jump.pushTime() + jump.flightTime() / 2;
            Vector3[] top = s.joints(apex);
            assertThat(top[Joint.LEFT_ANKLE.ordinal()].y()).as("seed %d", seed).isGreaterThan(ground + 0.05);
            assertThat(top[Joint.RIGHT_ANKLE.ordinal()].y()).as("seed %d", seed).isGreaterThan(ground + 0.05);
            // before and after, both feet are down (one may be a little off the floor, its knee relaxed)
            for (Vector3[] grounded : new Vector3[][] {s.joints(jump.onset()), s.joints(CLIP)}) {
                double left = grounded[Joint.LEFT_ANKLE.ordinal()].y();
                double right = grounded[Joint.RIGHT_ANKLE.ordinal()].y();
                assertThat(Math.min(left, right)).isCloseTo(ground, within(1e-9));
                assertThat(Math.max(left, right)).isCloseTo(ground, within(0.03));
            }
        }
    }

    @Test
    void wavingRaisesAWristAboveTheHead() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.WAVE, seed);
            WaveMotion wave = (WaveMotion) s.motion();
            double highestWrist = 0;
            double highestHead = 0;
            for (double t = wave.onset() + wave.raiseTime(); t <= CLIP; t += 0.02) {
                Vector3[] joints = s.joints(t);
                highestWrist = Math.max(highestWrist, Math.max(joints[Joint.LEFT_WRIST.ordinal()].y(),
                        joints[Joint.RIGHT_WRIST.ordinal()].y()));
                for (Joint head : new Joint[] {Joint.NOSE, Joint.LEFT_EYE, Joint.RIGHT_EYE, Joint.LEFT_EAR,
                        Joint.RIGHT_EAR}) {
                    highestHead = Math.max(highestHead, joints[head.ordinal()].y());
                }
            }
            assertThat(highestWrist).as("seed %d", seed).isGreaterThan(highestHead + 0.03);
            assertThat(s.joints(0)[Joint.LEFT_WRIST.ordinal()].y()).isLessThan(s.body().shoulderHeight());
        }
    }

    @Test
    void bendingTipsTheTorsoAndBringsTheHandsDownWhileStandingOnStraightishLegs() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.BEND, seed);
            BendMotion bend = (BendMotion) s.motion();
            Vector3[] low = s.joints(bend.onset() + bend.downTime() + bend.holdTime() / 2);
            Vector3 torso = neck(low).minus(pelvis(low));
            assertThat(Math.toDegrees(Math.acos(torso.y() / torso.length()))).isGreaterThan(55);
            assertThat(pelvis(low).y()).isGreaterThan(0.33 * s.body().height());
            double lowestWrist = Math.min(low[Joint.LEFT_WRIST.ordinal()].y(), low[Joint.RIGHT_WRIST.ordinal()].y());
            assertThat(lowestWrist).as("seed %d", seed).isLessThan(knees(low).y() + 0.05);
            assertFeetStayPut(s);
        }
    }

    @Test
    void crouchingPutsTheHipsBelowTheKnees() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.CROUCH, seed);
            Vector3[] end = s.joints(CLIP);
            assertThat(pelvis(end).y()).as("seed %d", seed).isLessThan(knees(end).y());
            assertThat(pelvis(end).y()).isLessThan(0.3 * s.body().height());
            assertFeetStayPut(s);
        }
    }

    @Test
    void aKickRaisesOneFootWhileTheOtherStaysPlanted() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.KICK, seed);
            KickMotion kick = (KickMotion) s.motion();
            Joint kicking = Joint.of(kick.leg(), "ANKLE");
            Joint standing = kicking.mirror();
            Vector3 planted = s.joints(0)[standing.ordinal()];
            double highest = 0;
            for (double t = 0; t <= CLIP; t += 0.01) {
                Vector3[] joints = s.joints(t);
                highest = Math.max(highest, joints[kicking.ordinal()].y());
                Vector3 foot = joints[standing.ordinal()];
                assertThat(Math.hypot(foot.x() - planted.x(), foot.z() - planted.z())).isLessThan(1e-9);
                assertThat(foot.y()).isCloseTo(s.body().ankleHeight(), within(0.01));
            }
            // the kicking foot comes up past the height of the standing knee
            assertThat(highest).as("seed %d", seed).isGreaterThan(s.body().ankleHeight() + s.body().shin());
        }
    }

    @Test
    void aPunchStraightensTheArmFromTheGuard() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.PUNCH, seed);
            PunchMotion punch = (PunchMotion) s.motion();
            Joint wrist = Joint.of(punch.hand(), "WRIST");
            Joint shoulder = Joint.of(punch.hand(), "SHOULDER");
            double arm = s.body().upperArm() + s.body().forearm();
            double guardAt = punch.onset() + punch.guardTime();
            Vector3[] guard = s.joints(guardAt);
            Vector3[] out = s.joints(guardAt + punch.strikeTime());
            assertThat(guard[wrist.ordinal()].distanceTo(guard[shoulder.ordinal()])).isLessThan(0.7 * arm);
            assertThat(out[wrist.ordinal()].distanceTo(out[shoulder.ordinal()])).isGreaterThan(0.95 * arm);
            // the fist goes out in front, at about shoulder height
            Vector3 reach = out[wrist.ordinal()].minus(out[shoulder.ordinal()]);
            assertThat(reach.dot(punch.start().forward())).isGreaterThan(0.7 * arm);
        }
    }

    @Test
    void standingStaysInPlace() {
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.STAND, seed);
            Vector3 start = pelvis(s.joints(0));
            for (double t = 0; t <= 5; t += 0.05) {
                Vector3 here = pelvis(s.joints(t));
                assertThat(Math.hypot(here.x() - start.x(), here.z() - start.z())).isLessThan(0.08);
                assertThat(here.y()).isGreaterThan(s.body().hipHeight() - 0.05);
            }
            assertFeetStayPut(s);
        }
    }

    @Test
    void aStandingPersonsBusyHandStaysBelowTheNose() {
        int fidgeting = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            Sampled s = sample(PersonAction.STAND, seed);
            for (double t = 0; t <= 6; t += 0.05) {
                Vector3[] joints = s.joints(t);
                double nose = joints[Joint.NOSE.ordinal()].y();
                for (Joint wrist : new Joint[] {Joint.LEFT_WRIST, Joint.RIGHT_WRIST}) {
                    double y = joints[wrist.ordinal()].y();
                    assertThat(y).as("seed %d t %.2f %s below the nose, not waving", seed, t, wrist).isLessThan(nose);
                }
            }
            if (((StandMotion) s.motion()).fidget() != null) {
                fidgeting++;
            }
        }
        assertThat(fidgeting).as("about half the standing people have a busy hand").isBetween(SEEDS / 5, 4 * SEEDS / 5);
    }

    private static void assertFeetStayPut(Sampled s) {
        Vector3 first = feet(s.joints(0));
        for (double t = 0; t <= CLIP; t += 0.04) {
            Vector3 here = feet(s.joints(t));
            assertThat(Math.hypot(here.x() - first.x(), here.z() - first.z())).isLessThan(1e-9);
        }
    }

    /** The angle from vertical of the line from the ankles to the shoulders: about 0 upright, 90 lying. */
    static double bodyLineDegrees(Vector3[] joints) {
        Vector3 line = Vector3.midpoint(joints[Joint.LEFT_SHOULDER.ordinal()], joints[Joint.RIGHT_SHOULDER.ordinal()])
                .minus(feet(joints));
        return Math.toDegrees(Math.acos(Math.abs(line.y()) / line.length()));
    }

    static Vector3 pelvis(Vector3[] joints) {
        return Vector3.midpoint(joints[Joint.LEFT_HIP.ordinal()], joints[Joint.RIGHT_HIP.ordinal()]);
    }

    static Vector3 knees(Vector3[] joints) {
        return Vector3.midpoint(joints[Joint.LEFT_KNEE.ordinal()], joints[Joint.RIGHT_KNEE.ordinal()]);
    }

    static Vector3 feet(Vector3[] joints) {
        return Vector3.midpoint(joints[Joint.LEFT_ANKLE.ordinal()], joints[Joint.RIGHT_ANKLE.ordinal()]);
    }

    static Vector3 neck(Vector3[] joints) {
        return Vector3.midpoint(joints[Joint.LEFT_SHOULDER.ordinal()], joints[Joint.RIGHT_SHOULDER.ordinal()]);
    }

    private static Sampled sample(PersonAction action, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919 + action.ordinal());
        BodyProportions body = BodyProportions.sample(random);
        return new Sampled(body, ActionMotion.sample(action, body, CLIP, random));
    }

    private record Sampled(BodyProportions body, ActionMotion motion) {
        Vector3[] joints(double t) {
            return new Skeleton(body).joints(motion.at(t));
        }
    }
}

package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SkeletonTest {
    private static final BodyProportions BODY = BodyProportions.average(1.75);

    @Test
    void aStandingPersonHasTheJointHeightsOfTheirProportions() {
        Vector3[] joints = new Skeleton(BODY).joints(new BodyPose(1, 2, 0, BodyPose.Anchor.FEET, 0,
                Posture.STANDING.withArms(new Posture.Arm(0, 0, 0, 0), new Posture.Arm(0, 0, 0, 0))
                        .withLegs(new Posture.Leg(0, 0, 0), new Posture.Leg(0, 0, 0))));

        assertThat(y(joints, Joint.LEFT_ANKLE)).isCloseTo(0.039 * 1.75, within(1e-9));
        assertThat(y(joints, Joint.RIGHT_HIP)).isCloseTo(0.530 * 1.75, within(1e-9));
        assertThat(y(joints, Joint.LEFT_SHOULDER)).isCloseTo(0.818 * 1.75, within(1e-9));
        assertThat(y(joints, Joint.LEFT_WRIST)).isCloseTo((0.818 - 0.186 - 0.146) * 1.75, within(1e-9));
        assertThat(y(joints, Joint.NOSE)).isCloseTo(0.905 * 1.75, within(1e-9));
        assertThat(y(joints, Joint.RIGHT_EYE)).isCloseTo(0.936 * 1.75, within(1e-9));
        // heading 0 faces +z, so the person's left is +x; the feet stand on the anchor point
        assertThat(joints[Joint.LEFT_SHOULDER.ordinal()].x()).isGreaterThan(joints[Joint.RIGHT_SHOULDER.ordinal()].x());
        assertThat(joints[Joint.NOSE.ordinal()].z()).isGreaterThan(joints[Joint.LEFT_EAR.ordinal()].z());
        Vector3 feet = Vector3.midpoint(joints[Joint.LEFT_ANKLE.ordinal()], joints[Joint.RIGHT_ANKLE.ordinal()]);
        assertThat(feet.x()).isCloseTo(1, within(1e-9));
        assertThat(feet.z()).isCloseTo(2, within(1e-9));
    }

    @Test
    void headingTurnsTheBodyAboutTheVertical() {
        Vector3[] joints = new Skeleton(BODY).joints(new BodyPose(0, 0, Math.PI / 2, BodyPose.Anchor.PELVIS, 0,
                Posture.STANDING));
        Vector3 pelvis = Vector3.midpoint(joints[Joint.LEFT_HIP.ordinal()], joints[Joint.RIGHT_HIP.ordinal()]);

        assertThat(joints[Joint.NOSE.ordinal()].x()).isGreaterThan(pelvis.x() + 0.05);
        assertThat(joints[Joint.LEFT_HIP.ordinal()].z()).isLessThan(joints[Joint.RIGHT_HIP.ordinal()].z());
        assertThat(pelvis.x()).isCloseTo(0, within(1e-9));
        assertThat(pelvis.z()).isCloseTo(0, within(1e-9));
    }

    @Test
    void theBodyRestsOnItsLowestPointAndRisesByItsLift() {
        Skeleton skeleton = new Skeleton(BODY);
        Posture lyingOnTheBack = Posture.STANDING.withBody(-Math.PI / 2, 0);

        assertThat(lowestClearance(skeleton.joints(BodyPose.onFeet(new StartPoint(0, 0, 0), lyingOnTheBack))))
                .isCloseTo(0, within(1e-9));
        assertThat(lowestClearance(skeleton.joints(new BodyPose(0, 0, 0, BodyPose.Anchor.FEET, 0.3,
                Posture.STANDING)))).isCloseTo(0.3, within(1e-9));
        Vector3[] lying = skeleton.joints(BodyPose.onFeet(new StartPoint(0, 0, 0), lyingOnTheBack));
        assertThat(y(lying, Joint.NOSE)).isLessThan(0.25);
        assertThat(y(lying, Joint.LEFT_HIP)).isLessThan(0.15);
    }

    @Test
    void drawnBodiesStayWithinAdultStatureAndVaryInProportion() {
        SplittableRandom random = new SplittableRandom(3);
        double sum = 0;
        double minLegs = Double.MAX_VALUE;
        double maxLegs = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            BodyProportions body = BodyProportions.sample(random);
            assertThat(body.height()).isBetween(1.5, 1.95);
            // the stack of segments adds up to the stature drawn
            assertThat(body.shoulderHeight() + body.neck() + BodyProportions.HEAD * body.height())
                    .isCloseTo(body.height(), within(1e-9));
            double legs = body.legLength() / body.height();
            minLegs = Math.min(minLegs, legs);
            maxLegs = Math.max(maxLegs, legs);
            sum += body.height();
        }
        assertThat(sum / n).isCloseTo(1.70, within(0.01));
        assertThat(maxLegs - minLegs).isGreaterThan(0.03);
        assertThat(minLegs).isGreaterThan(0.49 * 0.85);
        assertThat(maxLegs).isLessThan(0.49 * 1.15);
    }

    private static double y(Vector3[] joints, Joint joint) {
        return joints[joint.ordinal()].y();
    }

    private static double lowestClearance(Vector3[] joints) {
        double lowest = Double.MAX_VALUE;
        for (Joint joint : Joint.values()) {
            lowest = Math.min(lowest, joints[joint.ordinal()].y() - joint.contactRadius() * BODY.height());
        }
        return lowest;
    }
}

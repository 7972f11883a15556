package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PinholeCameraTest {
    private static final double FOCAL = 500;

    @Test
    void projectionFollowsThePinholeModel() {
        // level camera 1 m above the ground, 5 m from the origin on the +z side, looking along -z
        PinholeCamera camera = new PinholeCamera(new Vector3(0, 1, 0), 0, 0, 5, FOCAL, 640, 480);

        assertThat(camera.position()).isEqualTo(new Vector3(0, 1, 5));
        assertThat(camera.project(new Vector3(0, 1, 0))).containsExactly(new double[] {320, 240, 5}, within(1e-9));
        // one metre to the world's +x is to the camera's right, one metre up is up in the image
        assertThat(camera.project(new Vector3(1, 1, 0))[0]).isCloseTo(320 + FOCAL / 5, within(1e-9));
        assertThat(camera.project(new Vector3(0, 2, 0))[1]).isCloseTo(240 - FOCAL / 5, within(1e-9));
        // twice as far, half the offset
        assertThat(camera.project(new Vector3(1, 1, -5))[0]).isCloseTo(320 + FOCAL / 10, within(1e-9));
    }

    @Test
    void aPersonFiveMetresInFrontOfALevelCameraIsCentredWithTheirPinholeHeight() {
        BodyProportions body = BodyProportions.average(1.75);
        Vector3[] joints = new Skeleton(body).joints(BodyPose.onFeet(new StartPoint(0, 0, 0), Posture.STANDING));
        Vector3 pelvis = ActionMotionTest.pelvis(joints);
        PinholeCamera camera = new PinholeCamera(pelvis, 0, 0, 5, FOCAL, 640, 480);

        PersonView view = camera.view(joints, body.height());

        double pelvisU = (view.u()[Joint.LEFT_HIP.ordinal()] + view.u()[Joint.RIGHT_HIP.ordinal()]) / 2;
        double pelvisV = (view.v()[Joint.LEFT_HIP.ordinal()] + view.v()[Joint.RIGHT_HIP.ordinal()]) / 2;
        assertThat(pelvisU).isCloseTo(320, within(1e-9));
        assertThat(pelvisV).isCloseTo(240, within(1e-9));
        assertThat(view.heightPixels()).isCloseTo(FOCAL * 1.75 / 5, within(1e-9));
        // nose to ankles spans (0.905 - 0.039) of the stature; the nose is a few cm nearer, so a little larger
        double span = view.v()[Joint.LEFT_ANKLE.ordinal()] - view.v()[Joint.NOSE.ordinal()];
        assertThat(span).isCloseTo(FOCAL * (0.905 - 0.039) * 1.75 / 5, within(0.02 * span));
        // facing the camera, the person's left is on the image's right
        assertThat(view.u()[Joint.LEFT_SHOULDER.ordinal()]).isGreaterThan(view.u()[Joint.RIGHT_SHOULDER.ordinal()]);
        assertThat(view.hidden()).containsOnly(0.0);
    }

    @Test
    void lookingDownKeepsTheFeetBelowTheHeadAndForeshortensThePerson() {
        BodyProportions body = BodyProportions.average(1.75);
        Vector3[] joints = new Skeleton(body).joints(BodyPose.onFeet(new StartPoint(0, 0, 0), Posture.STANDING));
        Vector3 pelvis = ActionMotionTest.pelvis(joints);
        double previousSpan = Double.MAX_VALUE;
        for (int degrees = 0; degrees <= 60; degrees += 15) {
            double elevation = Math.toRadians(degrees);
            PinholeCamera camera = new PinholeCamera(pelvis, 0, elevation, 6, FOCAL, 640, 480);
            PersonView view = camera.view(joints, body.height());

            assertThat(camera.position().y()).isCloseTo(pelvis.y() + 6 * Math.sin(elevation), within(1e-9));
            double span = view.v()[Joint.LEFT_ANKLE.ordinal()] - view.v()[Joint.NOSE.ordinal()];
            assertThat(span).as("%d°", degrees).isPositive().isLessThan(previousSpan);
            previousSpan = span;
        }
        // seen from 60° up the person is markedly shorter than from level
        PinholeCamera level = new PinholeCamera(pelvis, 0, 0, 6, FOCAL, 640, 480);
        double levelSpan = level.project(joints[Joint.LEFT_ANKLE.ordinal()])[1]
                - level.project(joints[Joint.NOSE.ordinal()])[1];
        assertThat(previousSpan).isLessThan(0.75 * levelSpan);
    }

    @Test
    void theFarSideOfAPersonSeenSideOnIsHidden() {
        BodyProportions body = BodyProportions.average(1.75);
        // facing +x, seen from +z: the camera sees the person's right side
        Vector3[] joints = new Skeleton(body).joints(new BodyPose(0, 0, Math.PI / 2, BodyPose.Anchor.FEET, 0,
                Posture.STANDING));
        PersonView view = new PinholeCamera(ActionMotionTest.pelvis(joints), 0, 0, 5, FOCAL, 640, 480)
                .view(joints, body.height());

        assertThat(view.hidden()[Joint.LEFT_WRIST.ordinal()]).isGreaterThan(0.95);
        assertThat(view.hidden()[Joint.LEFT_KNEE.ordinal()]).isGreaterThan(0.95);
        assertThat(view.hidden()[Joint.RIGHT_WRIST.ordinal()]).isZero();
        // a person seen from behind hides their face
        Vector3[] fromBehind = new Skeleton(body).joints(new BodyPose(0, 0, Math.PI, BodyPose.Anchor.FEET, 0,
                Posture.STANDING));
        PersonView back = new PinholeCamera(ActionMotionTest.pelvis(fromBehind), 0, 0, 5, FOCAL, 640, 480)
                .view(fromBehind, body.height());
        assertThat(back.hidden()[Joint.NOSE.ordinal()]).isGreaterThan(0.9);
    }

    @Test
    void sampledCamerasLookDownFromAnySideAndFrameTheSubject() {
        SplittableRandom random = new SplittableRandom(11);
        boolean[] quadrants = new boolean[4];
        for (int i = 0; i < 1000; i++) {
            Vector3 subject = new Vector3(random.nextDouble(-3, 3), 0.9, random.nextDouble(-3, 3));
            PinholeCamera camera = PinholeCamera.sample(random, 640, 480, subject);

            assertThat(Math.toDegrees(camera.elevation())).isBetween(0.0, 60.0);
            assertThat(camera.distance()).isBetween(3.0, 18.0);
            double fieldOfView = Math.toDegrees(2 * Math.atan(320 / camera.focalPixels()));
            assertThat(fieldOfView).isBetween(45.0, 90.0);
            double[] p = camera.project(subject);
            assertThat(p[0]).isBetween(0.15 * 640 - 1e-6, 0.85 * 640 + 1e-6);
            assertThat(p[1]).isBetween(0.15 * 480 - 1e-6, 0.85 * 480 + 1e-6);
            quadrants[(int) (camera.yaw() / (Math.PI / 2))] = true;
        }
        assertThat(quadrants).containsOnly(true);
    }

    @Test
    void aCameraLookingStraightDownIsRefused() {
        assertThatThrownBy(() -> new PinholeCamera(Vector3.ZERO, 0, Math.toRadians(85), 5, FOCAL, 640, 480))
                .hasMessageContaining("elevation");
    }
}

package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PoseSimilarityTest {

    private static float[] pose(float x, float y, float score) {
        float[] keypoints = new float[51];
        for (int k = 0; k < 17; k++) {
            keypoints[3 * k] = x + (k % 2) * 10;
            keypoints[3 * k + 1] = y + 5 * k;
            keypoints[3 * k + 2] = score;
        }
        return keypoints;
    }

    @Test
    void aPoseMovedOnByItsMotionIsTheSamePose() {
        assertThat(PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, pose(10, 20, 0.8f), 4000)).isEqualTo(1f);
        assertThat(PoseSimilarity.oks(pose(10, 20, 0.8f), 6, -2, pose(16, 18, 0.8f), 4000))
                .isCloseTo(1f, within(1e-6f));
    }

    @Test
    void theFartherTheKeypointsTheLessAlikeAtTheScaleOfTheBox() {
        float near = PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, pose(14, 20, 0.8f), 4000);
        float far = PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, pose(40, 20, 0.8f), 4000);
        float farButLarge = PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, pose(40, 20, 0.8f), 40000);

        assertThat(near).isLessThan(1f).isGreaterThan(far);
        assertThat(far).isLessThan(PersonTracker.MIN_POSE_SIMILARITY);
        assertThat(farButLarge).isGreaterThan(far);
    }

    @Test
    void posesWithoutEnoughKeypointsSeenInBothAreNotCompared() {
        float[] few = pose(10, 20, 0.1f);
        few[2] = 0.9f;
        few[5] = 0.9f;
        few[8] = 0.9f;

        assertThat(PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, few, 4000)).isNaN();
        assertThat(PoseSimilarity.oks(null, 0, 0, pose(10, 20, 0.8f), 4000)).isNaN();
        assertThat(PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, new float[0], 4000)).isNaN();
        assertThat(PoseSimilarity.oks(pose(10, 20, 0.8f), 0, 0, pose(10, 20, 0.8f), 0)).isNaN();
    }
}

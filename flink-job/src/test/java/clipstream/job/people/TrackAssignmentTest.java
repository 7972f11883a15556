package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrackAssignmentTest {

    @Test
    void twoTracksCompetingForOnePersonEachGetTheOneThatSumsBest() {
        // best pair first would give track 0 detection 0 and leave track 1 without
        float[][] affinity = {{0.6f, 0.5f}, {0.55f, 0f}};

        assertThat(TrackAssignment.maximise(affinity, 2)).containsExactly(1, 0);
    }

    @Test
    void pairsOfNoAffinityAreNeverAssignedWhateverTheShape() {
        assertThat(TrackAssignment.maximise(new float[][] {{0f, 0.4f, 0f}}, 3)).containsExactly(1);
        assertThat(TrackAssignment.maximise(new float[][] {{0f}, {0.3f}, {0.9f}}, 1)).containsExactly(-1, -1, 0);
        assertThat(TrackAssignment.maximise(new float[][] {{0f, 0f}, {0f, 0f}}, 2)).containsExactly(-1, -1);
        assertThat(TrackAssignment.maximise(new float[][] {{0.5f}, {0.5f}}, 0)).containsExactly(-1, -1);
        assertThat(TrackAssignment.maximise(new float[0][3], 3)).isEmpty();
    }

    @Test
    void theBestOfManyIsFound() {
        float[][] affinity = {
                {0.9f, 0.8f, 0f, 0f},
                {0.85f, 0f, 0.3f, 0f},
                {0f, 0.7f, 0.6f, 0.1f}};

        // 0.8 + 0.85 + 0.6 = 2.25 beats 0.9 + 0.3 + 0.7 = 1.9
        assertThat(TrackAssignment.maximise(affinity, 4)).containsExactly(1, 0, 2);
    }
}

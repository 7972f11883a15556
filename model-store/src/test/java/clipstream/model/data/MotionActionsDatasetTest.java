package clipstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MotionActionsDatasetTest {

    @Test
    void aDatasetIsBalancedAndSplitsReproducibly() {
        ClipDataset data = MotionActionsDataset.generate(3, 4, 16, 16, 9);
        ClipDataset.Split split = data.split(0.2, 1);

        assertThat(data.size()).isEqualTo(30);
        assertThat(data.labels()).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(split.test().size()).isEqualTo(6);
        assertThat(split.train().size()).isEqualTo(24);
        assertThat(MotionActionsDataset.generate(3, 4, 16, 16, 9).clips()[7]).isEqualTo(data.clips()[7]);
    }
}

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

    @Test
    void clipsWithContextEndInTheClipsOwnFramesAndHalfOfThemCutFromAnotherScene() {
        ClipDataset clips = MotionActionsDataset.generate(4, 8, 16, 16, 5);
        ClipDataset withContext = MotionActionsDataset.generateWithContext(4, 8, 8, 16, 16, 5);
        int frameBytes = 16 * 16 * 3;

        assertThat(withContext.size()).isEqualTo(clips.size());
        assertThat(withContext.labels()).isEqualTo(clips.labels());
        assertThat(withContext.clips()[0]).hasSize(16 * frameBytes);
        int cut = 0;
        for (int i = 0; i < clips.size(); i++) {
            byte[] tail = java.util.Arrays.copyOfRange(withContext.clips()[i], 8 * frameBytes, 16 * frameBytes);
            if (java.util.Arrays.equals(tail, clips.clips()[i])) {
                cut++; // the clip itself after another action's frames
            }
        }
        assertThat(cut).as("clips cut from another scene, of %d", clips.size()).isBetween(10, 30);
        assertThat(MotionActionsDataset.generateWithContext(4, 8, 8, 16, 16, 5).clips()[3])
                .isEqualTo(withContext.clips()[3]);
    }
}

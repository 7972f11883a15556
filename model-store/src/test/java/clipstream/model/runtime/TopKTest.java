package clipstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The top-k selection against a full stable sort of every class, best first. */
class TopKTest {

    private static int[] bySort(float[] scores, int offset, int classes, int k) {
        return IntStream.range(0, classes).boxed()
                .sorted(Comparator.comparing((Integer c) -> scores[offset + c], (a, b) -> Float.compare(b, a)))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void theBestClassesComeFirstAsAStableSortRanksThem() {
        Random random = new Random(11);
        for (int trial = 0; trial < 2000; trial++) {
            int classes = 1 + random.nextInt(12);
            int k = 1 + random.nextInt(classes);
            int offset = random.nextInt(3) * classes;
            float[] scores = new float[offset + classes + 5];
            for (int i = 0; i < scores.length; i++) {
                // few distinct values, so ties are common
                scores[i] = random.nextInt(4) / 4f;
            }
            int[] order = new int[k];

            int filled = ClipClassifier.bestFirst(scores, offset, classes, order);

            assertThat(filled).isEqualTo(k);
            assertThat(order).as("scores %s, k %d", Arrays.toString(Arrays.copyOfRange(scores, offset, offset + classes)), k)
                    .containsExactly(bySort(scores, offset, classes, k));
        }
    }

    @Test
    void onlyTheClipsOwnScoresAreRanked() {
        float[] scores = {0.9f, 0.8f, 0.1f, 0.3f, 0.6f, 0.99f};
        int[] order = new int[2];

        ClipClassifier.bestFirst(scores, 2, 3, order);

        assertThat(order).containsExactly(2, 1); // classes of 0.6 and 0.3, not the neighbours' 0.99 or 0.9
    }
}

package clipstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.model.train.EpochStats;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    @Test
    void theConfusionMatrixIsAReadablePngWithShadedCells(@TempDir Path dir) throws Exception {
        Evaluation evaluation = Evaluation.of(List.of("still", "left", "right"),
                new int[] {0, 0, 1, 1, 2, 2, 2}, new int[] {0, 0, 1, 2, 2, 2, 2});
        Path png = dir.resolve("confusion.png");

        Plots.confusionMatrix(evaluation, "c3d-small v9", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(3 * 44);
        assertThat(colours(image)).as("white, text and at least two shades of the count scale").hasSizeGreaterThan(3);
    }

    @Test
    void theTrainingCurvesAreAReadablePng(@TempDir Path dir) throws Exception {
        List<EpochStats> history = List.of(new EpochStats(1, 1.9, 0.3, 0.35, 10), new EpochStats(2, 1.1, 0.6, 0.62, 10),
                new EpochStats(3, 0.4, 0.9, 0.88, 10));
        Path png = dir.resolve("training.png");

        Plots.trainingCurve(history, "c3d-small v9", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(colours(image)).hasSizeGreaterThan(3);
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours;
    }
}

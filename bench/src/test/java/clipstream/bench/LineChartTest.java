package clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {

    @Test
    void writesAPngShowingEverySeriesAndReferenceLine(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sub").resolve("chart.png");
        new LineChart("title", "x (units)", "y (units)")
                .series("a", new double[] {1, 2, 3}, new double[] {10, 20, 15})
                .series("b", new double[] {1, 2, 3}, new double[] {5, 8, 12})
                .horizontal("limit", 18)
                .write(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("decodable PNG at %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(LineChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(LineChart.HEIGHT);
        // series take the palette in order, reference lines after them
        for (int i = 0; i < 3; i++) {
            assertThat(pixelsOf(image, LineChart.PALETTE[i])).as("pixels in colour %d", i).isGreaterThan(20);
        }
    }

    @Test
    void aSeriesWithoutPointsIsLeftOutRatherThanRefused(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("chart.png");
        new LineChart("title", "x", "y").series("none yet", new double[0], new double[0]).horizontal("limit", 3)
                .write(png);

        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(LineChart.WIDTH);
    }

    @Test
    void aSeriesNeedsAsManyXAsYValues() {
        assertThatThrownBy(() -> new LineChart("t", "x", "y").series("bad", new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
    }

    private static int pixelsOf(BufferedImage image, Color colour) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}

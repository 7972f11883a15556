package clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {

    @Test
    void axisEndsAreRoundNumbersAtOrAboveTheData() {
        assertThat(LineChart.niceCeiling(73)).isEqualTo(100);
        assertThat(LineChart.niceCeiling(12.5)).isEqualTo(20);
        assertThat(LineChart.niceCeiling(0.3)).isEqualTo(0.5);
        assertThat(LineChart.niceCeiling(0)).isEqualTo(1);
    }

    @Test
    void writesAPngWithSeriesAndReferenceLines(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sub").resolve("chart.png");
        new LineChart("title", "x (units)", "y (units)")
                .series("a", new double[] {1, 2, 3}, new double[] {10, 20, 15})
                .horizontal("limit", 18)
                .write(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(500);
    }

    @Test
    void aSeriesNeedsAsManyXAsYValues() {
        assertThatThrownBy(() -> new LineChart("t", "x", "y").series("bad", new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
    }
}

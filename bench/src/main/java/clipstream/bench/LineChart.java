package clipstream.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A benchmark line chart written as a PNG through XChart: a title, labelled axes starting at zero, series of points
 * joined by lines, dashed horizontal reference lines, and a legend.
 */
public final class LineChart {
    /** Series colours in the order series and then reference lines are added. */
    static final Color[] PALETTE = {new Color(40, 100, 200), new Color(200, 60, 40), new Color(30, 150, 60),
        new Color(150, 80, 180), new Color(220, 140, 20), new Color(90, 90, 90)};
    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    private record Series(String name, double[] x, double[] y) {
    }

    private record Reference(String name, double y) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series of points, joined in the order given; names must be unique within the chart. */
    public LineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Adds a dashed horizontal line at {@code y} across the x range of the series. */
    public LineChart horizontal(String name, double y) {
        references.add(new Reference(name, y));
        return this;
    }

    /** Renders the chart and writes it as a PNG, creating the folder. */
    public void write(Path png) {
        XYChart chart = chart();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + png, e);
        }
    }

    XYChart chart() {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setLegendPosition(LegendPosition.InsideNW);
        // tick labels read the same whatever the machine's locale
        style.setLocale(Locale.ROOT);
        style.setXAxisMin(0.0);
        style.setYAxisMin(0.0);
        style.setSeriesColors(PALETTE);
        style.setMarkerSize(8);
        double xMax = 0;
        for (Series s : series) {
            xMax = Math.max(xMax, Arrays.stream(s.x).filter(Double::isFinite).max().orElse(0));
            // XChart refuses a series without points; one draws nothing anyway
            if (s.x.length > 0) {
                chart.addSeries(s.name, s.x, s.y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        double[] xSpan = {0, xMax > 0 ? xMax : 1};
        for (Reference r : references) {
            XYSeries line = chart.addSeries(r.name, xSpan, new double[] {r.y, r.y});
            line.setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        }
        return chart;
    }
}

package clipstream.model.eval;

import clipstream.model.train.EpochStats;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNGs written next to a trained model, drawn with XChart: its confusion matrix and its training curve. */
public final class Plots {
    /** Training loss, training accuracy, held-out accuracy. */
    private static final Color[] CURVE_COLOURS = {new Color(200, 60, 40), new Color(60, 110, 200), new Color(30, 150, 60)};
    /** Light enough at the top of the scale that the black counts stay readable on every cell. */
    private static final Color[] COUNT_SCALE = {Color.WHITE, new Color(90, 150, 235)};
    private static final int MIN_CELL = 44;

    private Plots() {
    }

    /** A heat map of the confusion matrix, true labels down the side (first on top), a count in every cell. */
    public static void confusionMatrix(Evaluation evaluation, String title, Path png) {
        write(confusionChart(evaluation, title), png);
    }

    /**
     * Training loss (scaled to its maximum) and training and held-out accuracy per epoch, on one 0-1 axis;
     * {@code history} needs at least one epoch, as XChart refuses a series without points.
     */
    public static void trainingCurve(List<EpochStats> history, String title, Path png) {
        write(trainingChart(history, title), png);
    }

    static HeatMapChart confusionChart(Evaluation evaluation, String title) {
        List<String> labels = evaluation.labels();
        int n = labels.size();
        String heading = String.format(Locale.ROOT, "%s: accuracy %.3f on %d clips", title, evaluation.accuracy(),
                evaluation.total());
        // XChart centres the title over the plot and the legend covers what overhangs it, so a matrix of few
        // classes gets cells large enough for the title to fit
        int cell = Math.max(MIN_CELL, (int) Math.ceil(7.0 * heading.length() / Math.max(1, n)));
        HeatMapChart chart = new HeatMapChartBuilder().width(170 + n * cell + 120).height(60 + n * cell + 130)
                .title(heading).xAxisTitle("predicted").yAxisTitle("true label").build();
        HeatMapStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setLocale(Locale.ROOT);
        style.setShowValue(true);
        style.setHeatMapValueDecimalPattern("0");
        style.setValueFontColor(Color.BLACK);
        style.setRangeColors(COUNT_SCALE);
        style.setPiecewise(false);
        style.setDrawBorder(true);
        style.setXAxisLabelRotation(90);
        style.setLegendPosition(LegendPosition.OutsideE);
        style.setPlotContentSize(1.0);
        // XChart puts the first y category at the bottom; a confusion matrix reads from the top
        List<String> rowsUp = new ArrayList<>(labels);
        Collections.reverse(rowsUp);
        List<Number[]> cells = new ArrayList<>();
        int maxCount = 0;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                int count = evaluation.confusion()[t][p];
                maxCount = Math.max(maxCount, count);
                cells.add(new Number[] {p, n - 1 - t, count});
            }
        }
        // the scale starts at 0, not at the smallest count, so that count's cells are not drawn white; an all-zero
        // matrix still needs a non-empty range to map colours onto
        chart.addSeries("clips", labels, rowsUp, cells).setMin(0).setMax(Math.max(1, maxCount));
        return chart;
    }

    static XYChart trainingChart(List<EpochStats> history, String title) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setLocale(Locale.ROOT);
        // accuracy climbs to the top and loss sinks to the bottom, so a legend inside the plot covers one of them
        style.setLegendPosition(LegendPosition.OutsideS);
        style.setLegendLayout(LegendLayout.Horizontal);
        style.setYAxisMin(0.0);
        style.setYAxisMax(1.0);
        style.setYAxisDecimalPattern("0.0");
        style.setMarkerSize(6);
        style.setSeriesColors(CURVE_COLOURS);
        // epochs are whole numbers; XChart may still place ticks between them
        style.setxAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? Long.toString(x.longValue()) : "");
        double maxLoss = history.stream().mapToDouble(EpochStats::loss).filter(Double::isFinite).max().orElse(1);
        double lossScale = maxLoss > 0 ? maxLoss : 1;
        double[] epochs = history.stream().mapToDouble(EpochStats::epoch).toArray();
        chart.addSeries(String.format(Locale.ROOT, "training loss (/ %.2f)", lossScale), epochs,
                history.stream().mapToDouble(s -> s.loss() / lossScale).toArray()).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("training accuracy", epochs, history.stream().mapToDouble(EpochStats::trainAccuracy).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("held-out accuracy", epochs, history.stream().mapToDouble(EpochStats::heldOutAccuracy).toArray())
                .setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    private static void write(Chart<?, ?> chart, Path png) {
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + png, e);
        }
    }
}

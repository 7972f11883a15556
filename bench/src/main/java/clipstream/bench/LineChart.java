package clipstream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart drawn with Java2D into a PNG: a title, labelled axes with round ticks starting at zero, any
 * number of series (points joined by lines) and horizontal reference lines, and a legend. No chart library.
 */
public final class LineChart {
    private static final Color[] PALETTE = {new Color(40, 100, 200), new Color(200, 60, 40), new Color(30, 150, 60),
        new Color(150, 80, 180), new Color(220, 140, 20), new Color(90, 90, 90)};
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;

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

    /** Adds a series of points (x ascending or not: drawn in the order given). */
    public LineChart series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Adds a dashed horizontal line at {@code y}. */
    public LineChart horizontal(String name, double y) {
        references.add(new Reference(name, y));
        return this;
    }

    /** Draws the chart and writes it as a PNG, creating the folder. */
    public void write(Path png) {
        BufferedImage image = render();
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + png, e);
        }
    }

    BufferedImage render() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 10, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            double xMax = niceCeiling(max(true));
            double yMax = niceCeiling(Math.max(max(false), references.stream().mapToDouble(Reference::y).max().orElse(0)) * 1.08);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            axes(g, xMax, yMax, plotW, plotH);
            int colour = 0;
            int legendY = TOP + 16;
            for (Series s : series) {
                Color c = PALETTE[colour++ % PALETTE.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                for (int i = 0; i < s.x.length; i++) {
                    int px = px(s.x[i], xMax, plotW);
                    int py = py(s.y[i], yMax, plotH);
                    g.fillOval(px - 4, py - 4, 8, 8);
                    if (i > 0) {
                        g.drawLine(px(s.x[i - 1], xMax, plotW), py(s.y[i - 1], yMax, plotH), px, py);
                    }
                }
                legendY = legend(g, c, s.name, legendY, false);
            }
            for (Reference r : references) {
                Color c = PALETTE[colour++ % PALETTE.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
                int py = py(r.y, yMax, plotH);
                g.drawLine(LEFT, py, LEFT + plotW, py);
                legendY = legend(g, c, r.name, legendY, true);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void axes(Graphics2D g, double xMax, double yMax, int plotW, int plotH) {
        FontMetrics metrics = g.getFontMetrics();
        for (int i = 0; i <= 5; i++) {
            double yValue = yMax * i / 5;
            int y = py(yValue, yMax, plotH);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            String text = format(yValue);
            g.drawString(text, LEFT - 8 - metrics.stringWidth(text), y + 4);
            double xValue = xMax * i / 5;
            int x = px(xValue, xMax, plotW);
            g.drawLine(x, TOP + plotH, x, TOP + plotH + 5);
            text = format(xValue);
            g.drawString(text, x - metrics.stringWidth(text) / 2, TOP + plotH + 20);
        }
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString(xLabel, LEFT + (plotW - metrics.stringWidth(xLabel)) / 2, HEIGHT - 14);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.translate(18, TOP + (plotH + metrics.stringWidth(yLabel)) / 2);
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, 0, 0);
        rotated.dispose();
    }

    private static int legend(Graphics2D g, Color colour, String text, int y, boolean dashed) {
        int x = LEFT + 12;
        g.setColor(Color.WHITE);
        g.fillRect(x - 4, y - 11, g.getFontMetrics().stringWidth(text) + 34, 16);
        g.setColor(colour);
        if (dashed) {
            g.fillRect(x, y - 5, 7, 2);
            g.fillRect(x + 10, y - 5, 7, 2);
        } else {
            g.fillRect(x, y - 8, 18, 6);
        }
        g.setColor(Color.BLACK);
        g.drawString(text, x + 24, y);
        return y + 17;
    }

    private double max(boolean xAxis) {
        double max = 0;
        for (Series s : series) {
            for (double v : xAxis ? s.x : s.y) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /** The smallest 1, 2 or 5 × 10^n at or above {@code value} (1 for nothing to show). */
    static double niceCeiling(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static int px(double x, double xMax, int plotW) {
        return LEFT + (int) Math.round(Math.max(0, x) / xMax * plotW);
    }

    private static int py(double y, double yMax, int plotH) {
        return TOP + plotH - (int) Math.round(Math.max(0, Math.min(yMax, y)) / yMax * plotH);
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e9 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}

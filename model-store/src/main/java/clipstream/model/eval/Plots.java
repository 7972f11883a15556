package clipstream.model.eval;

import clipstream.model.train.EpochStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The PNGs written next to a trained model: its confusion matrix and its training curve. */
public final class Plots {
    private Plots() {
    }

    public static void confusionMatrix(Evaluation evaluation, String title, Path png) {
        List<String> labels = evaluation.labels();
        int n = labels.size();
        int cell = 44;
        int left = 110;
        int top = 70;
        BufferedImage image = canvas(left + n * cell + 30, top + n * cell + 110);
        Graphics2D g = graphics(image);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(String.format(Locale.ROOT, "held-out accuracy %.3f on %d clips; rows: true label, columns: predicted",
                evaluation.accuracy(), evaluation.total()), 10, 42);
        for (int t = 0; t < n; t++) {
            int support = Math.max(1, evaluation.support(t));
            for (int p = 0; p < n; p++) {
                int count = evaluation.confusion()[t][p];
                float share = (float) count / support;
                g.setColor(new Color(1 - share * 0.85f, 1 - share * 0.6f, 1f));
                g.fillRect(left + p * cell, top + t * cell, cell, cell);
                g.setColor(Color.GRAY);
                g.drawRect(left + p * cell, top + t * cell, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                String text = Integer.toString(count);
                g.drawString(text, left + p * cell + (cell - g.getFontMetrics().stringWidth(text)) / 2, top + t * cell + cell / 2 + 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(labels.get(t), 8, top + t * cell + cell / 2 + 4);
        }
        for (int p = 0; p < n; p++) {
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.translate(left + p * cell + cell / 2 + 4, top + n * cell + 8);
            rotated.rotate(Math.PI / 2);
            rotated.drawString(labels.get(p), 0, 0);
            rotated.dispose();
        }
        write(image, png);
    }

    public static void trainingCurve(List<EpochStats> history, String title, Path png) {
        int width = 640;
        int height = 400;
        int left = 60;
        int right = 20;
        int top = 50;
        int bottom = 50;
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        g.setColor(Color.LIGHT_GRAY);
        for (int i = 0; i <= 10; i++) {
            int y = top + plotH - i * plotH / 10;
            g.drawLine(left, y, left + plotW, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);
        for (int i = 0; i <= 10; i += 2) {
            g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), left - 30, top + plotH - i * plotH / 10 + 4);
        }
        g.drawString("epoch", left + plotW / 2 - 15, height - 12);
        double maxLoss = history.stream().mapToDouble(EpochStats::loss).max().orElse(1);
        int epochs = history.size();
        for (int e = 0; e < epochs; e++) {
            g.drawString(Integer.toString(history.get(e).epoch()), x(e, epochs, left, plotW) - 3, top + plotH + 15);
        }
        series(g, history.stream().mapToDouble(s -> s.loss() / maxLoss).toArray(), new Color(200, 60, 40), left, top, plotW, plotH);
        series(g, history.stream().mapToDouble(EpochStats::trainAccuracy).toArray(), new Color(60, 110, 200), left, top, plotW, plotH);
        series(g, history.stream().mapToDouble(EpochStats::heldOutAccuracy).toArray(), new Color(30, 150, 60), left, top, plotW, plotH);
        legend(g, new Color(200, 60, 40), String.format(Locale.ROOT, "training loss (/ %.2f)", maxLoss), left + 10, top + 15);
        legend(g, new Color(60, 110, 200), "training accuracy", left + 10, top + 30);
        legend(g, new Color(30, 150, 60), "held-out accuracy", left + 10, top + 45);
        write(image, png);
    }

    private static void series(Graphics2D g, double[] values, Color colour, int left, int top, int plotW, int plotH) {
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < values.length; i++) {
            int x = x(i, values.length, left, plotW);
            int y = top + plotH - (int) Math.round(Math.max(0, Math.min(1, values[i])) * plotH);
            g.fillOval(x - 3, y - 3, 6, 6);
            if (i > 0) {
                g.drawLine(x(i - 1, values.length, left, plotW),
                        top + plotH - (int) Math.round(Math.max(0, Math.min(1, values[i - 1])) * plotH), x, y);
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static int x(int index, int count, int left, int plotW) {
        return count <= 1 ? left + plotW / 2 : left + index * plotW / (count - 1);
    }

    private static void legend(Graphics2D g, Color colour, String text, int x, int y) {
        g.setColor(colour);
        g.fillRect(x, y - 8, 12, 8);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 18, y);
    }

    private static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        return g;
    }

    private static void write(BufferedImage image, Path png) {
        try {
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + png, e);
        }
    }
}

package clipstream.media.people;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws pose clips as stick figures for a person to look at: one clip per row, evenly spaced frames across. Each row
 * is cropped around its person (the same crop for all its frames, so motion shows); the frame's own area is grey,
 * outside it black. The person's left side is orange, the right blue, the midline white; keypoints scored below
 * {@code minScore} are drawn as small grey crosses and their bones left out.
 */
public final class PoseContactSheet {
    private static final Color OUTSIDE = new Color(20, 20, 20);
    private static final Color FRAME = new Color(70, 70, 70);
    private static final Color LEFT = new Color(255, 150, 40);
    private static final Color RIGHT = new Color(70, 160, 255);
    private static final Color MIDDLE = new Color(235, 235, 235);
    private static final Color LOST = new Color(140, 140, 140);
    private static final int LABEL_HEIGHT = 16;

    private final int columns;
    private final int cellSize;
    private final double minScore;

    public PoseContactSheet(int columns, int cellSize, double minScore) {
        if (columns < 1 || cellSize < 16) {
            throw new IllegalArgumentException("a contact sheet needs at least 1 column of 16 px cells, got "
                    + columns + " of " + cellSize);
        }
        this.columns = columns;
        this.cellSize = cellSize;
        this.minScore = minScore;
    }

    /** Writes the sheet as a PNG, creating the folder if needed. */
    public void write(List<PoseClip> clips, Path png) throws IOException {
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(render(clips), "png", png.toFile());
    }

    public BufferedImage render(List<PoseClip> clips) {
        BufferedImage image = new BufferedImage(columns * cellSize, clips.size() * (cellSize + LABEL_HEIGHT),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int row = 0; row < clips.size(); row++) {
                drawRow(g, clips.get(row), row * (cellSize + LABEL_HEIGHT));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void drawRow(Graphics2D g, PoseClip clip, int top) {
        g.setColor(MIDDLE);
        PinholeCamera camera = clip.camera();
        g.drawString(String.format(Locale.ROOT, "%s   seed %d   %.0f px tall, camera %.1f m away, %.0f° down",
                clip.action().label(), clip.seed(), clip.view(0).heightPixels(), camera.distance(),
                Math.toDegrees(camera.elevation())), 4, top + LABEL_HEIGHT - 4);
        Rectangle2D crop = crop(clip);
        double scale = cellSize / crop.getWidth();
        for (int column = 0; column < columns; column++) {
            int t = columns == 1 ? 0 : (int) Math.round(column * (clip.frames() - 1) / (double) (columns - 1));
            int left = column * cellSize;
            int cellTop = top + LABEL_HEIGHT;
            Graphics2D cell = (Graphics2D) g.create(left, cellTop, cellSize, cellSize);
            try {
                drawFrame(cell, clip, t, crop, scale);
            } finally {
                cell.dispose();
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(left, cellTop, cellSize - 1, cellSize - 1);
        }
    }

    private void drawFrame(Graphics2D g, PoseClip clip, int t, Rectangle2D crop, double scale) {
        g.setColor(OUTSIDE);
        g.fillRect(0, 0, cellSize, cellSize);
        g.setColor(FRAME);
        g.fill(new Rectangle2D.Double(-crop.getX() * scale, -crop.getY() * scale, clip.camera().width() * scale,
                clip.camera().height() * scale));
        float[][] keypoints = clip.keypoints()[t];
        g.setStroke(new BasicStroke(2f));
        for (Bone bone : Bone.MOVENET_EDGES) {
            float[] a = keypoints[bone.from().ordinal()];
            float[] b = keypoints[bone.to().ordinal()];
            if (a[2] >= minScore && b[2] >= minScore) {
                g.setColor(colour(bone.from(), bone.to()));
                g.draw(new Line2D.Double((a[0] - crop.getX()) * scale, (a[1] - crop.getY()) * scale,
                        (b[0] - crop.getX()) * scale, (b[1] - crop.getY()) * scale));
            }
        }
        for (Joint joint : Joint.values()) {
            float[] k = keypoints[joint.ordinal()];
            double x = (k[0] - crop.getX()) * scale;
            double y = (k[1] - crop.getY()) * scale;
            if (k[2] >= minScore) {
                g.setColor(colour(joint, joint));
                g.fill(new Ellipse2D.Double(x - 2.5, y - 2.5, 5, 5));
            } else if (k[2] > 0) {
                g.setColor(LOST);
                g.setStroke(new BasicStroke(1f));
                g.draw(new Line2D.Double(x - 2, y - 2, x + 2, y + 2));
                g.draw(new Line2D.Double(x - 2, y + 2, x + 2, y - 2));
            }
        }
        g.setColor(LOST);
        g.drawString(Integer.toString(t), 3, cellSize - 4);
    }

    /** A square around every confident keypoint of the clip, with a margin; the whole frame if there is none. */
    private Rectangle2D crop(PoseClip clip) {
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (float[][] frame : clip.keypoints()) {
            for (float[] k : frame) {
                if (k[2] >= minScore) {
                    minX = Math.min(minX, k[0]);
                    maxX = Math.max(maxX, k[0]);
                    minY = Math.min(minY, k[1]);
                    maxY = Math.max(maxY, k[1]);
                }
            }
        }
        if (minX > maxX) {
            double side = Math.max(clip.camera().width(), clip.camera().height());
            return new Rectangle2D.Double(0, 0, side, side);
        }
        double side = Math.max(24, Math.max(maxX - minX, maxY - minY) * 1.2);
        return new Rectangle2D.Double((minX + maxX - side) / 2, (minY + maxY - side) / 2, side, side);
    }

    /** Left bones orange, right ones blue, those across the body (and the nose) white. */
    /**
     * The colour of the bone from {@code a} to {@code b} (or of joint {@code a} when both are the same): the person's
     * left side orange, right blue, the midline white; shared by every drawing of poses.
     */
    public static Color colour(Joint a, Joint b) {
        boolean left = a.isOn(BodySide.LEFT) || b.isOn(BodySide.LEFT);
        boolean right = a.isOn(BodySide.RIGHT) || b.isOn(BodySide.RIGHT);
        if (left == right) {
            return MIDDLE;
        }
        return left ? LEFT : RIGHT;
    }
}

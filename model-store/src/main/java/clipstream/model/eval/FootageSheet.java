package clipstream.model.eval;

import clipstream.media.people.Bone;
import clipstream.media.people.Joint;
import clipstream.media.people.PoseContactSheet;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A row of real video frames cropped around one person's clip, with the pose model's keypoints drawn over them in
 * {@link PoseContactSheet}'s colours, for a person to judge what an action model said about real footage:
 * {@code columns} evenly spaced frames of the clip, each cropped to the same square around the clip's boxes (so motion
 * shows), a caption above.
 */
public final class FootageSheet {
    private static final Color CAPTION_COLOUR = new Color(235, 235, 235);
    private static final int CAPTION = 16;

    private final BufferedImage image;
    private final int columns;
    private final int cell;
    private final double cropX;
    private final double cropY;
    private final double cropSide;
    private final float minScore;

    /**
     * @param box the clip's boxes' union in frame pixels (xMin, yMin, xMax, yMax)
     */
    public FootageSheet(String caption, float[] box, int columns, int cell, float minScore) {
        this.columns = columns;
        this.cell = cell;
        this.minScore = minScore;
        double side = 1.2 * Math.max(box[2] - box[0], box[3] - box[1]);
        this.cropSide = Math.max(side, 8);
        this.cropX = (box[0] + box[2] - cropSide) / 2;
        this.cropY = (box[1] + box[3] - cropSide) / 2;
        this.image = new BufferedImage(columns * cell, cell + CAPTION, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(CAPTION_COLOUR);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(caption, 4, CAPTION - 4);
        g.dispose();
    }

    /** Column {@code t} (0 … columns − 1) of the clip: which of its {@code frames} frames it shows. */
    public int frameOfColumn(int column, int frames) {
        return columns == 1 ? 0 : (int) Math.round(column * (frames - 1) / (double) (columns - 1));
    }

    public int columns() {
        return columns;
    }

    /** Draws one RGB24 frame into {@code column}, with the person's keypoints ([joint][x, y, score]; may be all 0). */
    public void draw(int column, byte[] rgb, int width, int height, float[][] keypoints) {
        Graphics2D g = image.createGraphics();
        try {
            g.translate(column * cell, CAPTION);
            g.setClip(0, 0, cell, cell);
            double scale = cell / cropSide;
            for (int y = 0; y < cell; y++) {
                int sy = (int) Math.floor(cropY + (y + 0.5) / scale);
                for (int x = 0; x < cell; x++) {
                    int sx = (int) Math.floor(cropX + (x + 0.5) / scale);
                    int colour = 0x141414;
                    if (sx >= 0 && sy >= 0 && sx < width && sy < height) {
                        int i = (sy * width + sx) * 3;
                        colour = (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
                    }
                    image.setRGB(column * cell + x, CAPTION + y, colour);
                }
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setStroke(new BasicStroke(1.5f));
            for (Bone bone : Bone.MOVENET_EDGES) {
                float[] a = keypoints[bone.from().ordinal()];
                float[] b = keypoints[bone.to().ordinal()];
                if (a[2] >= minScore && b[2] >= minScore) {
                    g.setColor(PoseContactSheet.colour(bone.from(), bone.to()));
                    g.draw(new Line2D.Double((a[0] - cropX) * scale, (a[1] - cropY) * scale, (b[0] - cropX) * scale,
                            (b[1] - cropY) * scale));
                }
            }
            for (Joint joint : Joint.values()) {
                float[] k = keypoints[joint.ordinal()];
                if (k[2] >= minScore) {
                    g.setColor(PoseContactSheet.colour(joint, joint));
                    g.fill(new Ellipse2D.Double((k[0] - cropX) * scale - 2, (k[1] - cropY) * scale - 2, 4, 4));
                }
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(0, 0, cell - 1, cell - 1);
        } finally {
            g.dispose();
        }
    }

    public BufferedImage image() {
        return image;
    }

    /** Writes rows one under the other as one PNG. */
    public static void write(Iterable<FootageSheet> rows, Path png) throws IOException {
        int width = 0;
        int height = 0;
        for (FootageSheet row : rows) {
            width = Math.max(width, row.image.getWidth());
            height += row.image.getHeight();
        }
        BufferedImage out = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        int top = 0;
        for (FootageSheet row : rows) {
            g.drawImage(row.image, 0, top, null);
            top += row.image.getHeight();
        }
        g.dispose();
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        ImageIO.write(out, "png", png.toFile());
    }
}

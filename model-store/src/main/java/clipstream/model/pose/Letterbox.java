package clipstream.model.pose;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Fits a frame into the pose model's square input keeping its aspect ratio (scaled to the longer side, centred,
 * the rest black), and maps the model's normalised output back to the frame's pixels.
 */
record Letterbox(int frameWidth, int frameHeight, int size, double scale, double padX, double padY) {

    static Letterbox of(int frameWidth, int frameHeight, int size) {
        if (frameWidth < 1 || frameHeight < 1) {
            throw new IllegalArgumentException("frame size " + frameWidth + "x" + frameHeight + " is not positive");
        }
        double scale = Math.min(size / (double) frameWidth, size / (double) frameHeight);
        return new Letterbox(frameWidth, frameHeight, size, scale, (size - frameWidth * scale) / 2,
                (size - frameHeight * scale) / 2);
    }

    /** The frame's RGB24 pixels letterboxed into size × size × 3 RGB values (0-255) as the model takes them. */
    int[] pixels(byte[] rgb) {
        if (rgb.length != frameWidth * frameHeight * 3) {
            throw new IllegalArgumentException("RGB24 frame " + frameWidth + "x" + frameHeight + " needs "
                    + frameWidth * frameHeight * 3 + " bytes, got " + rgb.length);
        }
        BufferedImage frame = new BufferedImage(frameWidth, frameHeight, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        BufferedImage boxed = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = boxed.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(frame, (int) Math.round(padX), (int) Math.round(padY),
                    (int) Math.round(frameWidth * scale), (int) Math.round(frameHeight * scale), null);
        } finally {
            g.dispose();
        }
        byte[] out = ((DataBufferByte) boxed.getRaster().getDataBuffer()).getData();
        int[] pixels = new int[size * size * 3];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = out[i + 2] & 0xff;
            pixels[i + 1] = out[i + 1] & 0xff;
            pixels[i + 2] = out[i] & 0xff;
        }
        return pixels;
    }

    /** A normalised x of the model's input (0-1) in frame pixels, clamped to the frame. */
    float frameX(float normalised) {
        return (float) Math.max(0, Math.min(frameWidth, (normalised * size - padX) / scale));
    }

    /** A normalised y of the model's input (0-1) in frame pixels, clamped to the frame. */
    float frameY(float normalised) {
        return (float) Math.max(0, Math.min(frameHeight, (normalised * size - padY) / scale));
    }
}

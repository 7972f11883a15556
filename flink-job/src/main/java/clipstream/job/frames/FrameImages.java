package clipstream.job.frames;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns a frame's pixels (RGB24 or JPEG) into RGB24 at the model's input size: JPEG decoded with
 * javax.imageio, then scaled bilinearly (aspect ratio not kept: the model sees the whole field of view). Without a
 * target size (the pose path, which letterboxes frames itself) frames keep their own size.
 */
public final class FrameImages {
    private final FrameSize target;

    /** {@code target}: the size frames are scaled to; null keeps each frame's own size. */
    public FrameImages(FrameSize target) {
        this.target = target;
    }

    /** The size frames are scaled to, or null when they keep their own. */
    public FrameSize target() {
        return target;
    }

    /** RGB24 pixels of {@code width}×{@code height} (length already checked), resized to the target; a new array. */
    public byte[] fromRgb(byte[] rgb, int width, int height) {
        if (keepsSize(width, height)) {
            return rgb.clone();
        }
        return resizedRgb(rgb, width, height);
    }

    /**
     * Like {@link #fromRgb} for an array the caller hands over and never uses again: at the target size it is
     * returned as it is, without a copy.
     */
    public byte[] fromOwnedRgb(byte[] rgb, int width, int height) {
        if (keepsSize(width, height)) {
            return rgb;
        }
        return resizedRgb(rgb, width, height);
    }

    private boolean keepsSize(int width, int height) {
        return target == null || width == target.width() && height == target.height();
    }

    private byte[] resizedRgb(byte[] rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        swapRedBlue(rgb, bgr);
        return toTargetRgb(image);
    }

    /**
     * Decodes a JPEG that must be {@code width}×{@code height} and returns it as RGB24 at the target size. The size
     * in the JPEG's header is compared before any pixel is decoded: a header may claim any size up to 65535×65535,
     * and decoding that would take gigabytes.
     */
    public byte[] fromJpeg(byte[] jpeg, int width, int height) throws UnreadableImageException {
        return toTargetRgb(decodeJpeg(jpeg, width, height));
    }

    private static BufferedImage decodeJpeg(byte[] jpeg, int width, int height) throws UnreadableImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JVM has no JPEG reader (javax.imageio)");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        // an in-memory stream: ImageIO.createImageInputStream would buffer every frame through a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            int headerWidth = reader.getWidth(0);
            int headerHeight = reader.getHeight(0);
            if (headerWidth != width || headerHeight != height) {
                throw new UnreadableImageException("JPEG is " + headerWidth + "x" + headerHeight
                        + " but the frame says " + width + "x" + height, true);
            }
            BufferedImage image = reader.read(0);
            // libjpeg reports a truncated or damaged stream as a warning and returns a grey-padded image
            if (!warnings.isEmpty()) {
                throw new UnreadableImageException("JPEG is damaged: " + String.join("; ", warnings), false);
            }
            return image;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("JPEG does not decode: " + e, false);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            // the native decoder's own failures (e.g. a LinkageError on a damaged stream) are the record's fault
            throw new UnreadableImageException("JPEG does not decode: " + e, false);
        } finally {
            reader.dispose();
        }
    }

    private byte[] toTargetRgb(BufferedImage image) {
        BufferedImage scaled = image;
        int width = target == null ? image.getWidth() : target.width();
        int height = target == null ? image.getHeight() : target.height();
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR || image.getWidth() != width || image.getHeight() != height) {
            scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = scaled.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(image, 0, 0, width, height, null);
            } finally {
                g.dispose();
            }
        }
        byte[] bgr = ((DataBufferByte) scaled.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[bgr.length];
        swapRedBlue(bgr, rgb);
        return rgb;
    }

    /** Copies interleaved 3-byte pixels, swapping the first and third byte (RGB ↔ BGR). */
    private static void swapRedBlue(byte[] from, byte[] to) {
        for (int i = 0; i + 2 < from.length; i += 3) {
            to[i] = from[i + 2];
            to[i + 1] = from[i + 1];
            to[i + 2] = from[i];
        }
    }
}

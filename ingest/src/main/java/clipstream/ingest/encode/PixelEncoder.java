package clipstream.ingest.encode;

import clipstream.schema.FrameEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns a camera's packed RGB24 pixels into the {@code data} of a Frame: as they are (RGB24) or as a baseline
 * JPEG of the given quality through javax.imageio. The Avro record around them is the schemas module's business.
 *
 * <p>Not thread-safe: one per camera thread (the JPEG writer and image are reused).
 */
public final class PixelEncoder implements AutoCloseable {
    static {
        ImageIO.setUseCache(false); // encode in memory, never through temporary files
    }

    private final FrameEncoding encoding;
    private final int width;
    private final int height;
    private final ImageWriter jpegWriter;
    private final ImageWriteParam jpegParams;
    private final BufferedImage image;
    private final ByteArrayOutputStream jpegBytes = new ByteArrayOutputStream(16 << 10);

    /**
     * @param quality JPEG quality in (0, 1], ignored for RGB24
     */
    public PixelEncoder(FrameEncoding encoding, int width, int height, float quality) {
        this.encoding = encoding;
        this.width = width;
        this.height = height;
        if (encoding == FrameEncoding.JPEG) {
            if (!(quality > 0 && quality <= 1)) {
                throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + quality);
            }
            this.jpegWriter = ImageIO.getImageWritersByFormatName("jpeg").next();
            this.jpegParams = jpegWriter.getDefaultWriteParam();
            jpegParams.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            jpegParams.setCompressionQuality(quality);
            this.image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        } else {
            this.jpegWriter = null;
            this.jpegParams = null;
            this.image = null;
        }
    }

    public FrameEncoding encoding() {
        return encoding;
    }

    /** The encoded pixels. RGB24 wraps {@code rgb} without copying: the caller hands the array over. */
    public ByteBuffer encode(byte[] rgb) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Expected %dx%d RGB24 (%d bytes), got %d bytes", width, height, width * height * 3, rgb.length));
        }
        return encoding == FrameEncoding.JPEG ? ByteBuffer.wrap(jpeg(rgb)) : ByteBuffer.wrap(rgb);
    }

    private byte[] jpeg(byte[] rgb) {
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        jpegBytes.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(jpegBytes)) {
            jpegWriter.setOutput(out);
            jpegWriter.write(null, new IIOImage(image, null, null), jpegParams);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding in memory failed", e);
        }
        return jpegBytes.toByteArray();
    }

    @Override
    public void close() {
        if (jpegWriter != null) {
            jpegWriter.dispose();
        }
    }
}

package clipstream.dashboard.feed;

import clipstream.dashboard.board.Thumbnail;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns a sampled frame into a tile's thumbnail, a small JPEG: RGB24 pixels are encoded (scaled down when wider
 * than the thumbnail width); a JPEG frame no wider than twice that goes to the page as it is, a larger one is
 * decoded at a fraction of its size (its header's size checked against the frame's first) and encoded again.
 * Anything that does not make an image gives no thumbnail. Not thread-safe: one per feed thread.
 */
public final class ThumbnailEncoder implements AutoCloseable {
    static {
        ImageIO.setUseCache(false); // in memory, never through temporary files
    }

    private static final float QUALITY = 0.75f;
    /** A frame the job accepts is at most 16384 pixels a side; a thumbnail is never made from more. */
    private static final int MAX_SIDE = 16384;

    private final int maxWidth;
    private final ImageWriter writer;
    private final ImageWriteParam params;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 << 10);

    public ThumbnailEncoder(int maxWidth) {
        this.maxWidth = maxWidth;
        this.writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        this.params = writer.getDefaultWriteParam();
        params.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        params.setCompressionQuality(QUALITY);
    }

    /** The frame's thumbnail, or empty when its pixels do not make an image of its declared size. */
    public Optional<Thumbnail> thumbnail(Frame frame) {
        int width = frame.getWidth();
        int height = frame.getHeight();
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            return Optional.empty();
        }
        long captureTime = frame.getCaptureTime().toEpochMilli();
        byte[] data = bytes(frame.getData());
        try {
            if (frame.getEncoding() == FrameEncoding.RGB24) {
                if (data.length != width * height * 3) {
                    return Optional.empty();
                }
                BufferedImage image = scaled(fromRgb(data, width, height));
                return Optional.of(new Thumbnail(jpeg(image), image.getWidth(), image.getHeight(), captureTime));
            }
            if (frame.getEncoding() == FrameEncoding.JPEG) {
                if (!isJpeg(data)) {
                    return Optional.empty();
                }
                if (width <= 2 * maxWidth) {
                    return Optional.of(new Thumbnail(data.clone(), width, height, captureTime));
                }
                BufferedImage image = decodeJpeg(data, width, height);
                if (image == null) {
                    return Optional.empty();
                }
                image = scaled(image);
                return Optional.of(new Thumbnail(jpeg(image), image.getWidth(), image.getHeight(), captureTime));
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        if (view.hasArray() && view.arrayOffset() == 0 && view.position() == 0
                && view.remaining() == view.array().length) {
            return view.array();
        }
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }

    private static boolean isJpeg(byte[] data) {
        return data.length > 4 && (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xd8;
    }

    private static BufferedImage fromRgb(byte[] rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }

    /** Decodes every n-th pixel of every n-th row so the result is at most about the thumbnail width. */
    private BufferedImage decodeJpeg(byte[] jpeg, int width, int height) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            if (reader.getWidth(0) != width || reader.getHeight(0) != height) {
                return null; // a header that lies about the size is never decoded
            }
            ImageReadParam read = reader.getDefaultReadParam();
            int step = Math.max(1, width / maxWidth);
            read.setSourceSubsampling(step, step, 0, 0);
            return reader.read(0, read);
        } finally {
            reader.dispose();
        }
    }

    private BufferedImage scaled(BufferedImage image) {
        if (image.getWidth() <= maxWidth) {
            return image;
        }
        int height = Math.max(1, Math.round((float) image.getHeight() * maxWidth / image.getWidth()));
        BufferedImage small = new BufferedImage(maxWidth, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, maxWidth, height, null);
        } finally {
            g.dispose();
        }
        return small;
    }

    private byte[] jpeg(BufferedImage image) throws IOException {
        bytes.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), params);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        writer.dispose();
    }
}

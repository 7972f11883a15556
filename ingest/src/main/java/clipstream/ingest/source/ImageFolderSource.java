package clipstream.ingest.source;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of still images (any format javax.imageio reads: JPEG, PNG, BMP, GIF ...) played as a video in
 * file-name order at a given frame rate, each image scaled (bilinear) to the camera's output size.
 */
final class ImageFolderSource implements CameraSource {
    private final Path folder;
    private final List<Path> images;
    private final int width;
    private final int height;
    private final double fps;
    private final BufferedImage canvas;
    private int next;

    private ImageFolderSource(Path folder, List<Path> images, int width, int height, double fps) {
        this.folder = folder;
        this.images = images;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }

    static ImageFolderSource open(Path folder, int width, int height, double fps) throws SourceException {
        Set<String> suffixes = Arrays.stream(ImageIO.getReaderFileSuffixes())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<Path> images;
        try (Stream<Path> files = Files.list(folder)) {
            images = files.filter(Files::isRegularFile)
                    .filter(file -> suffixes.contains(extension(file)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SourceException("Cannot list image folder '" + folder + "': " + e.getMessage(), e);
        }
        if (images.isEmpty()) {
            throw new SourceException("Image folder '" + folder + "' holds no images (readable: "
                    + suffixes.stream().sorted().toList() + ")");
        }
        return new ImageFolderSource(folder, images, width, height, fps);
    }

    @Override
    public CapturedFrame next() throws IOException {
        if (next >= images.size()) {
            return null;
        }
        Path file = images.get(next);
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new SourceException("Cannot read image '" + file + "': " + e.getMessage(), e);
        }
        if (image == null) {
            throw new SourceException("Cannot decode image '" + file + "' of folder '" + folder + "'");
        }
        long time = Math.round(next * 1e6 / fps);
        next++;
        return new CapturedFrame(toRgb(image), width, height, time);
    }

    private byte[] toRgb(BufferedImage image) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        byte[] bgr = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[bgr.length];
        for (int i = 0; i < bgr.length; i += 3) {
            rgb[i] = bgr[i + 2];
            rgb[i + 1] = bgr[i + 1];
            rgb[i + 2] = bgr[i];
        }
        return rgb;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public TimeBase timeBase() {
        return TimeBase.MEDIA;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() {
        // nothing held open between images
    }
}

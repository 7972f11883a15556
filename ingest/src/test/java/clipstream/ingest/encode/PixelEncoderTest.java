package clipstream.ingest.encode;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.media.synthetic.SyntheticCamera;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PixelEncoderTest {
    private static final RecordEncoder<Frame> ENCODER = RecordEncoder.of(Frame.class);
    private static final RecordDecoder<Frame> DECODER = RecordDecoder.of(Frame.class);

    private final SyntheticCamera camera = new SyntheticCamera(112, 112, Optional.empty(), 16, 3);

    @Test
    void rgb24FramesRoundTripThroughTheCodecByteForByte() throws Exception {
        byte[] rgb = camera.frame(5);
        try (PixelEncoder pixels = new PixelEncoder(FrameEncoding.RGB24, 112, 112, 1f)) {
            Frame sent = frame(FrameEncoding.RGB24, pixels.encode(rgb.clone()));
            Frame received = DECODER.decode(ENCODER.toBytes(sent));
            assertThat(received).isEqualTo(sent);
            assertThat(bytes(received.getData())).isEqualTo(rgb);
        }
    }

    @Test
    void jpegFramesRoundTripThroughTheCodecAndDecodeCloseToTheOriginal() throws Exception {
        byte[] rgb = camera.frame(5);
        try (PixelEncoder pixels = new PixelEncoder(FrameEncoding.JPEG, 112, 112, 0.9f)) {
            ByteBuffer jpeg = pixels.encode(rgb);
            assertThat(jpeg.remaining()).isLessThan(rgb.length / 3);
            Frame sent = frame(FrameEncoding.JPEG, jpeg);
            Frame received = DECODER.decode(ENCODER.toBytes(sent));
            assertThat(received).isEqualTo(sent);

            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(received.getData())));
            assertThat(image.getWidth()).isEqualTo(112);
            assertThat(image.getHeight()).isEqualTo(112);
            assertThat(meanAbsoluteError(rgb, image)).isLessThan(6.0);
        }
    }

    @Test
    void lowerJpegQualityGivesSmallerFrames() {
        byte[] rgb = camera.frame(9);
        try (PixelEncoder high = new PixelEncoder(FrameEncoding.JPEG, 112, 112, 0.95f);
             PixelEncoder low = new PixelEncoder(FrameEncoding.JPEG, 112, 112, 0.3f)) {
            assertThat(low.encode(rgb).remaining()).isLessThan(high.encode(rgb).remaining());
        }
    }

    private static Frame frame(FrameEncoding encoding, ByteBuffer data) {
        return new Frame("cam-1", 5L, Instant.ofEpochMilli(1_700_000_000_123L), 112, 112, encoding, data);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Mean absolute difference per channel, 0-255, between RGB24 pixels and a decoded image. */
    private static double meanAbsoluteError(byte[] rgb, BufferedImage image) {
        long sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int argb = image.getRGB(x, y);
                int at = (y * image.getWidth() + x) * 3;
                sum += Math.abs(((argb >> 16) & 0xFF) - (rgb[at] & 0xFF));
                sum += Math.abs(((argb >> 8) & 0xFF) - (rgb[at + 1] & 0xFF));
                sum += Math.abs((argb & 0xFF) - (rgb[at + 2] & 0xFF));
            }
        }
        return sum / (double) rgb.length;
    }
}

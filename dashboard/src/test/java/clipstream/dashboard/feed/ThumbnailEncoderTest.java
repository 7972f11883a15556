package clipstream.dashboard.feed;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.dashboard.board.Thumbnail;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailEncoderTest {
    private final ThumbnailEncoder encoder = new ThumbnailEncoder(320);

    @Test
    void rgbFramesBecomeJpegsOfTheirSizeOrScaledDownToTheWidth() throws IOException {
        Thumbnail small = encoder.thumbnail(rgbFrame(64, 48)).orElseThrow();
        assertThat(decode(small.jpeg())).satisfies(image -> {
            assertThat(image.getWidth()).isEqualTo(64);
            assertThat(image.getHeight()).isEqualTo(48);
        });
        assertThat(small.captureTime()).isEqualTo(1000);

        Thumbnail large = encoder.thumbnail(rgbFrame(640, 480)).orElseThrow();
        assertThat(large.width()).isEqualTo(320);
        assertThat(large.height()).isEqualTo(240);
        assertThat(decode(large.jpeg()).getWidth()).isEqualTo(320);
    }

    @Test
    void smallJpegFramesGoAsTheyAreAndLargeOnesAreDecodedSmaller() throws IOException {
        byte[] jpeg = jpeg(512, 384);
        Thumbnail asIs = encoder.thumbnail(frame(512, 384, FrameEncoding.JPEG, jpeg)).orElseThrow();
        assertThat(asIs.jpeg()).isEqualTo(jpeg);

        Thumbnail smaller = encoder.thumbnail(frame(1280, 960, FrameEncoding.JPEG, jpeg(1280, 960))).orElseThrow();
        assertThat(smaller.width()).isEqualTo(320);
        assertThat(decode(smaller.jpeg()).getWidth()).isEqualTo(320);
    }

    @Test
    void framesThatMakeNoImageGiveNoThumbnail() throws IOException {
        assertThat(encoder.thumbnail(frame(64, 48, FrameEncoding.RGB24, new byte[10]))).isEmpty();
        assertThat(encoder.thumbnail(frame(640, 480, FrameEncoding.JPEG, new byte[] {1, 2, 3, 4, 5, 6}))).isEmpty();
        assertThat(encoder.thumbnail(frame(0, 48, FrameEncoding.RGB24, new byte[0]))).isEmpty();
        // a header that claims another size than the frame's is never decoded
        assertThat(encoder.thumbnail(frame(1280, 960, FrameEncoding.JPEG, jpeg(1600, 1200)))).isEmpty();
    }

    private static Frame rgbFrame(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i % 251);
        }
        return frame(width, height, FrameEncoding.RGB24, rgb);
    }

    private static Frame frame(int width, int height, FrameEncoding encoding, byte[] data) {
        return Frame.newBuilder().setCameraId("cam-1").setSeq(1).setCaptureTime(Instant.ofEpochMilli(1000))
                .setWidth(width).setHeight(height).setEncoding(encoding).setData(ByteBuffer.wrap(data)).build();
    }

    private static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }
}

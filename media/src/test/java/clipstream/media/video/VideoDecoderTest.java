package clipstream.media.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoDecoderTest {
    private static final int[] ORANGE = {255, 128, 0};
    private static final int[] BLUE = {0, 64, 255};

    @TempDir
    Path dir;

    @Test
    void videoFileDecodesIntoEveryFrameAtTheScaledSize() throws IOException {
        Path file = writeVideo("moving.mkv", 320, 240, 50);
        List<VideoFrame> frames;
        try (VideoDecoder decoder = VideoDecoder.open(VideoSource.of(file.toString()).scaledTo(64, 48))) {
            assertThat(decoder.width()).isEqualTo(64);
            assertThat(decoder.height()).isEqualTo(48);
            assertThat(decoder.frameRate()).isEqualTo(25.0);
            frames = readAll(decoder);
        }
        assertThat(frames).hasSize(50);
        assertThat(frames).allSatisfy(frame -> {
            assertThat(frame.width()).isEqualTo(64);
            assertThat(frame.height()).isEqualTo(48);
            assertThat(frame.rgb()).hasSize(64 * 48 * 3);
        });
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).timestampMicros() - frames.get(i - 1).timestampMicros()).isEqualTo(40_000);
        }
        assertThat(frames.get(0).rgb()).isNotEqualTo(frames.get(10).rgb()); // the bar moves
    }

    @Test
    void pixelsComeBackAsRgbInThatOrder() throws IOException {
        Path file = writeVideo("halves.mp4", 64, 32, 3);
        try (VideoDecoder decoder = VideoDecoder.open(file.toString())) {
            VideoFrame frame = decoder.read();
            assertThat(frame.width()).isEqualTo(64);
            assertThat(frame.height()).isEqualTo(32);
            assertColour(frame, 8, 16, ORANGE);
            assertColour(frame, 56, 16, BLUE);
        }
    }

    @Test
    void oddOutputSizesArePackedWithoutRowPadding() throws IOException {
        // 33 pixels * 3 bytes is not a multiple of FFmpeg's row alignment, so the grabber's rows are padded
        Path file = writeVideo("halves.avi", 64, 32, 3);
        try (VideoDecoder decoder = VideoDecoder.open(VideoSource.of(file.toString()).scaledTo(33, 17))) {
            VideoFrame frame = decoder.read();
            assertThat(frame.rgb()).hasSize(33 * 17 * 3);
            for (int y = 0; y < 17; y++) {
                assertColour(frame, 3, y, ORANGE);
                assertColour(frame, 29, y, BLUE);
            }
        }
    }

    @Test
    void lavfiTestSourceOpensWhereInputDevicesLoad() throws IOException {
        assumeTrue(VideoDecoder.inputDevicesAvailable(), "libavdevice does not load here (libpulse0 missing)");
        try (VideoDecoder decoder = VideoDecoder.open(
                VideoSource.lavfi("testsrc=size=160x120:rate=25:duration=2").scaledTo(112, 112))) {
            List<VideoFrame> frames = readAll(decoder);
            assertThat(frames).hasSize(50).allSatisfy(frame -> assertThat(frame.rgb()).hasSize(112 * 112 * 3));
        }
    }

    @Test
    void lavfiWithoutInputDevicesSaysWhatIsMissing() {
        assumeFalse(VideoDecoder.inputDevicesAvailable(), "libavdevice loads here");
        assertThatThrownBy(() -> VideoDecoder.open(VideoSource.lavfi("testsrc=size=32x32:rate=5")))
                .isInstanceOf(VideoOpenException.class)
                .hasMessageContaining("lavfi:testsrc=size=32x32:rate=5")
                .hasMessageContaining("libavdevice")
                .hasMessageContaining("libpulse0");
    }

    @Test
    void missingFileFailsWithAMessageNamingIt() {
        String missing = dir.resolve("no-such-video.mp4").toString();
        assertThatThrownBy(() -> VideoDecoder.open(missing))
                .isInstanceOf(VideoOpenException.class)
                .hasMessageContaining(missing)
                .hasMessageNotContaining("FFmpegLogCallback")
                .satisfies(e -> assertThat(((VideoOpenException) e).source()).isEqualTo(missing));
    }

    @Test
    void fileThatIsNotAVideoIsRefused() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video at all\n".repeat(100));
        assertThatThrownBy(() -> VideoDecoder.open(text.toString()))
                .isInstanceOf(VideoOpenException.class)
                .hasMessageContaining(text.toString());
    }

    @Test
    void readAfterCloseIsAnError() throws IOException {
        VideoDecoder decoder = VideoDecoder.open(writeVideo("short.mkv", 32, 32, 2).toString());
        decoder.close();
        decoder.close(); // idempotent
        assertThatThrownBy(decoder::read).isInstanceOf(IllegalStateException.class);
    }

    /** Left half orange, right half blue, and a white vertical bar that moves one column per frame. */
    private Path writeVideo(String name, int width, int height, int frames) throws IOException {
        Path file = dir.resolve(name);
        try (VideoWriter writer = VideoWriter.create(file, width, height, 25)) {
            for (int i = 0; i < frames; i++) {
                byte[] rgb = new byte[width * height * 3];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int[] colour = x < width / 2 ? ORANGE : BLUE;
                        boolean bar = width >= 128 && x / 4 == i % (width / 4);
                        for (int c = 0; c < 3; c++) {
                            rgb[(y * width + x) * 3 + c] = (byte) (bar ? 255 : colour[c]);
                        }
                    }
                }
                writer.write(rgb);
            }
        }
        return file;
    }

    private static void assertColour(VideoFrame frame, int x, int y, int[] expected) {
        int at = (y * frame.width() + x) * 3;
        for (int c = 0; c < 3; c++) {
            assertThat(frame.rgb()[at + c] & 0xFF).as("channel %d at (%d,%d)", c, x, y)
                    .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(12));
        }
    }

    private static List<VideoFrame> readAll(VideoDecoder decoder) throws IOException {
        List<VideoFrame> frames = new ArrayList<>();
        for (VideoFrame frame = decoder.read(); frame != null; frame = decoder.read()) {
            frames.add(frame);
        }
        return frames;
    }
}

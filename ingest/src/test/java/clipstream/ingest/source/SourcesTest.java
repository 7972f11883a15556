package clipstream.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import clipstream.common.retry.Backoff;
import clipstream.ingest.pacing.StopSignal;
import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SyntheticCamera;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesTest {
    @TempDir
    Path dir;

    private final StopSignal stop = new StopSignal();

    @Test
    void videoFileDecodesIntoEveryFrameAtTheOutputSize() throws IOException {
        Path file = TestFootage.video(dir.resolve("walk.mp4"), 320, 240, 50);
        List<CapturedFrame> frames = readAll(SourceSpec.parse(file.toString(), "cam"), options(64, 48, false));
        assertThat(frames).hasSize(50).allSatisfy(frame -> {
            assertThat(frame.width()).isEqualTo(64);
            assertThat(frame.height()).isEqualTo(48);
            assertThat(frame.rgb()).hasSize(64 * 48 * 3);
        });
        assertThat(frames.get(49).timeMicros() - frames.get(0).timeMicros()).isEqualTo(49 * 40_000L);
    }

    @Test
    void loopingPlaysTheFileAgainWithMediaTimesStillIncreasing() throws IOException {
        Path file = TestFootage.video(dir.resolve("short.mkv"), 64, 64, 10);
        SourceOptions looping = options(64, 64, true);
        List<CapturedFrame> frames = new ArrayList<>();
        try (CameraSource source = Sources.open(SourceSpec.parse(file.toString(), "cam"), looping, stop)) {
            for (int i = 0; i < 35; i++) {
                frames.add(source.next());
            }
        }
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).timeMicros() - frames.get(i - 1).timeMicros()).as("step to frame %d", i)
                    .isEqualTo(40_000L);
        }
        assertThat(frames.get(10).rgb()).isEqualTo(frames.get(0).rgb()); // second pass starts over
    }

    @Test
    void imageFolderPlaysImagesInNameOrderScaledAtTheGeneratedRate() throws IOException {
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < colours.length; i++) {
            BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(colours[i]);
            g.fillRect(0, 0, 200, 100);
            g.dispose();
            ImageIO.write(image, i == 1 ? "jpg" : "png", dir.resolve("img-" + i + (i == 1 ? ".jpg" : ".png")).toFile());
        }
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        List<CapturedFrame> frames = readAll(SourceSpec.parse(dir.toString(), "cam"), options(32, 32, false));
        assertThat(frames).hasSize(3).extracting(CapturedFrame::timeMicros).containsExactly(0L, 40_000L, 80_000L);
        assertThat(frames).allSatisfy(frame -> assertThat(frame.rgb()).hasSize(32 * 32 * 3));
        assertThat(dominantChannel(frames.get(0))).isZero();
        assertThat(dominantChannel(frames.get(1))).isEqualTo(1);
        assertThat(dominantChannel(frames.get(2))).isEqualTo(2);
    }

    @Test
    void syntheticCameraStartsAtTheStartSeqSoFramesMatchTheGenerator() throws IOException {
        SourceSpec.Synthetic spec = new SourceSpec.Synthetic(Optional.of(MotionAction.UP), 5, 32);
        SourceOptions options = new SourceOptions(48, 48, 10, false, 100, false, Backoff.DEFAULT,
                Duration.ofSeconds(1));
        SyntheticCamera reference = new SyntheticCamera(48, 48, Optional.of(MotionAction.UP), 32, 5);
        try (CameraSource source = Sources.open(spec, options, stop)) {
            for (long seq = 100; seq < 140; seq++) {
                CapturedFrame frame = source.next();
                assertThat(frame.rgb()).as("frame %d", seq).isEqualTo(reference.frame(seq));
                assertThat(frame.timeMicros()).isEqualTo((seq - 100) * 100_000);
            }
        }
    }

    @Test
    void missingFileFailsNamingIt() {
        String missing = dir.resolve("gone.mp4").toString();
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse(missing, "cam"), options(64, 64, false), stop))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void emptyImageFolderFailsNamingIt() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse(empty.toString(), "cam"), options(64, 64, false), stop))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("no images");
    }

    @Test
    void liveStreamThatCannotBeReachedAtStartFailsAtOnce() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/stream";
        assertThatThrownBy(() -> Sources.open(SourceSpec.parse(url, "cam"), options(64, 64, false), stop))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining(url);
    }

    @Test
    void liveStreamThatEndsIsReconnectedAndCountedAsEndedNotAsADrop() throws IOException {
        try (MjpegServer camera = new MjpegServer(List.of(Color.RED, Color.GREEN), 5, MjpegServer.Ending.CLOSE);
             CameraSource source = Sources.open(SourceSpec.parse(camera.url(), "cam"),
                     network(Duration.ofSeconds(5)), stop)) {
            List<CapturedFrame> frames = read(source, 10);
            assertThat(frames).extracting(SourcesTest::dominantChannel).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
            assertThat(source.streamEnds()).isEqualTo(1);
            assertThat(source.streamDrops()).isZero();
            assertThat(source.reconnects()).isEqualTo(1);
        }
    }

    @Test
    void liveStreamThatStallsIsReconnectedAfterTheReadTimeoutAndCountedAsADrop() throws IOException {
        Duration readTimeout = Duration.ofSeconds(1);
        try (MjpegServer camera = new MjpegServer(List.of(Color.RED, Color.GREEN), 5, MjpegServer.Ending.STALL);
             CameraSource source = Sources.open(SourceSpec.parse(camera.url(), "cam"), network(readTimeout), stop)) {
            long started = System.nanoTime();
            List<CapturedFrame> frames = read(source, 10);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(readTimeout);
            assertThat(frames).extracting(SourcesTest::dominantChannel).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
            assertThat(source.streamDrops()).isEqualTo(1);
            assertThat(source.streamEnds()).isZero();
            assertThat(source.reconnects()).isEqualTo(1);
        }
    }

    @Test
    void httpRecordingThatStopsSendingMidFileFailsAfterTheReadTimeout() throws IOException {
        Path video = TestFootage.video(dir.resolve("yard.mkv"), 64, 48, 400);
        try (VideoFileServer server = new VideoFileServer(video, Files.readAllBytes(video).length * 3 / 4)) {
            SourceSpec spec = SourceSpec.parse(server.url(), "cam");
            assertThat(spec).isInstanceOf(SourceSpec.Recording.class);
            List<CapturedFrame> frames = new ArrayList<>();
            // without a read timeout the read would wait for the rest of the file forever
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> {
                try (CameraSource source = Sources.open(spec, network(Duration.ofSeconds(1)), stop)) {
                    for (CapturedFrame frame = source.next(); frame != null; frame = source.next()) {
                        frames.add(frame);
                    }
                }
            }).isInstanceOf(SourceException.class).hasMessageContaining(server.url())
                    .hasMessageContaining("--read-timeout"));
            assertThat(frames).as("frames before the stall").isNotEmpty().hasSizeLessThan(400);
        }
    }

    @Test
    void httpRecordingEndsNormallyAfterItsLastFrame() throws IOException {
        Path video = TestFootage.video(dir.resolve("door.mkv"), 64, 48, 60);
        try (VideoFileServer server = VideoFileServer.whole(video)) {
            assertThat(readAll(SourceSpec.parse(server.url(), "cam"), network(Duration.ofSeconds(1)))).hasSize(60);
        }
    }

    @Test
    void videoFileEndsNormallyWithoutCountingAnEndOrADrop() throws IOException {
        Path file = TestFootage.video(dir.resolve("end.mkv"), 64, 48, 10);
        try (CameraSource source = Sources.open(SourceSpec.parse(file.toString(), "cam"), options(64, 48, false),
                stop)) {
            assertThat(read(source, 10)).hasSize(10);
            assertThat(source.next()).isNull();
            assertThat(source.streamEnds()).isZero();
            assertThat(source.streamDrops()).isZero();
        }
    }

    private static List<CapturedFrame> read(CameraSource source, int count) throws IOException {
        List<CapturedFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CapturedFrame frame = source.next();
            assertThat(frame).as("frame %d", i).isNotNull();
            frames.add(frame);
        }
        return frames;
    }

    private List<CapturedFrame> readAll(SourceSpec spec, SourceOptions options) throws IOException {
        List<CapturedFrame> frames = new ArrayList<>();
        try (CameraSource source = Sources.open(spec, options, stop)) {
            for (CapturedFrame frame = source.next(); frame != null; frame = source.next()) {
                frames.add(frame);
            }
        }
        return frames;
    }

    private static SourceOptions options(int width, int height, boolean loop) {
        return new SourceOptions(width, height, 25, loop, 0, false, Backoff.DEFAULT, Duration.ofSeconds(5));
    }

    /** 32x32 frames, reconnecting quickly, network reads given up after {@code readTimeout}. */
    private static SourceOptions network(Duration readTimeout) {
        return new SourceOptions(32, 32, 25, false, 0, false,
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 20), readTimeout);
    }

    private static int dominantChannel(CapturedFrame frame) {
        long[] sums = new long[3];
        for (int i = 0; i < frame.rgb().length; i++) {
            sums[i % 3] += frame.rgb()[i] & 0xFF;
        }
        return sums[0] >= sums[1] && sums[0] >= sums[2] ? 0 : sums[1] >= sums[2] ? 1 : 2;
    }
}

package clipstream.media.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes packed RGB24 frames into a video file through FFmpeg: MPEG-4 Part 2 in the container the file name
 * implies ({@code .mkv}, {@code .mp4}, {@code .avi}, ...). Makes real footage for tests and benchmarks without
 * shipping files; the counterpart of {@link VideoDecoder}.
 *
 * <p>Not thread-safe. Close it to finish the file.
 */
public final class VideoWriter implements AutoCloseable {
    private final Path file;
    private final FFmpegFrameRecorder recorder;
    private final Frame frame;
    private final int width;
    private final int height;
    private boolean closed;

    private VideoWriter(Path file, FFmpegFrameRecorder recorder, int width, int height) {
        this.file = file;
        this.recorder = recorder;
        this.width = width;
        this.height = height;
        this.frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
    }

    /** Creates {@code file} for {@code width x height} video at {@code frameRate} frames per second. */
    public static VideoWriter create(Path file, int width, int height, double frameRate) throws IOException {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("Video size must be even and at least 2x2 (YUV 4:2:0), got "
                    + width + "x" + height);
        }
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(frameRate);
        recorder.setVideoQuality(3); // qscale: high quality, so decoded pixels stay close to the originals
        try {
            recorder.start();
        } catch (FrameRecorder.Exception | RuntimeException e) {
            try {
                recorder.release();
            } catch (FrameRecorder.Exception ignored) {
                // the start failure is the one worth reporting
            }
            throw new IOException("Cannot create video file '" + file + "': " + e.getMessage(), e);
        }
        return new VideoWriter(file, recorder, width, height);
    }

    /** Appends one packed RGB24 frame ({@code width * height * 3} bytes). */
    public void write(byte[] rgb) throws IOException {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("Expected " + width * height * 3 + " RGB24 bytes, got " + rgb.length);
        }
        ByteBuffer pixels = (ByteBuffer) frame.image[0];
        int rowBytes = width * 3;
        for (int y = 0; y < height; y++) {
            pixels.position(y * frame.imageStride);
            pixels.put(rgb, y * rowBytes, rowBytes);
        }
        pixels.rewind();
        try {
            recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
        } catch (FrameRecorder.Exception e) {
            throw new IOException("Cannot write a frame to '" + file + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            recorder.close();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("Cannot finish video file '" + file + "': " + e.getMessage(), e);
        }
    }
}

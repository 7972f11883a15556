package clipstream.media.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * The one video decoder of clipstream (ingest's cameras and model-store's folder-of-videos reader): FFmpeg
 * through JavaCV's {@link FFmpegFrameGrabber}, scaled by FFmpeg to the wanted size and delivered as packed
 * RGB24 with the stream's timestamps.
 *
 * <p>Not thread-safe: one decoder per thread. Close it (try-with-resources) to free the native context.
 */
public final class VideoDecoder implements AutoCloseable {
    static {
        // FFmpeg's default level writes stream details and warnings to stderr for every open; keep errors only.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Null when FFmpeg's input devices (lavfi among them) are registered, else why they cannot be. */
    private static final String DEVICES_UNAVAILABLE = registerInputDevices();

    private static final Set<String> DEVICE_FORMATS = Set.of("lavfi", "v4l2", "video4linux2", "x11grab",
            "pulse", "alsa", "fbdev", "kmsgrab");

    private final VideoSource source;
    private final FFmpegFrameGrabber grabber;
    private final int width;
    private final int height;
    private boolean closed;

    private VideoDecoder(VideoSource source, FFmpegFrameGrabber grabber) {
        this.source = source;
        this.grabber = grabber;
        this.width = grabber.getImageWidth();
        this.height = grabber.getImageHeight();
    }

    /**
     * Opens {@code source} and probes its first video stream.
     *
     * @throws VideoOpenException naming the source when it is missing, unreachable, not a video or has no video
     *     stream
     */
    public static VideoDecoder open(VideoSource source) throws VideoOpenException {
        if (source.format() != null && DEVICE_FORMATS.contains(source.format()) && DEVICES_UNAVAILABLE != null) {
            throw new VideoOpenException(source.describe(), "FFmpeg's input device '" + source.format()
                    + "' needs libavdevice, which did not load (" + DEVICES_UNAVAILABLE + "). On Debian/Ubuntu"
                    + " its missing system library comes with 'apt-get install libpulse0'.", null);
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.location());
        if (source.format() != null) {
            grabber.setFormat(source.format());
        }
        source.width().ifPresent(grabber::setImageWidth);
        source.height().ifPresent(grabber::setImageHeight);
        grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        source.options().forEach(grabber::setOption);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            releaseQuietly(grabber);
            throw new VideoOpenException(source.describe(), rootMessage(e), e);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            releaseQuietly(grabber);
            throw new VideoOpenException(source.describe(), "it has no video stream", null);
        }
        return new VideoDecoder(source, grabber);
    }

    /** Whether FFmpeg's input devices, {@code lavfi} among them, can be opened on this machine. */
    public static boolean inputDevicesAvailable() {
        return DEVICES_UNAVAILABLE == null;
    }

    /** Opens a file or FFmpeg URL at its own size. */
    public static VideoDecoder open(String location) throws VideoOpenException {
        return open(VideoSource.of(location));
    }

    public VideoSource source() {
        return source;
    }

    /** Width of the frames {@link #read()} returns (the scaled size when one was asked for). */
    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The stream's nominal frame rate, 0 when unknown. */
    public double frameRate() {
        double rate = grabber.getVideoFrameRate();
        return Double.isFinite(rate) && rate > 0 ? rate : 0;
    }

    /** The container's estimate of the number of video frames; 0 for live streams or when unknown. */
    public int estimatedFrameCount() {
        return Math.max(0, grabber.getLengthInVideoFrames());
    }

    /**
     * The next picture in a fresh array, or null at the end of the stream. Timestamps are on the stream's own
     * clock: they increase, but the first need not be 0.
     *
     * @throws IOException naming the source when decoding fails (a broken file, a dropped connection that FFmpeg
     *     reports as an error rather than as the end)
     */
    public VideoFrame read() throws IOException {
        if (closed) {
            throw new IllegalStateException("Decoder of '" + source.describe() + "' is closed");
        }
        Frame frame;
        try {
            frame = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new IOException("Cannot decode video source '" + source.describe() + "': " + rootMessage(e), e);
        }
        if (frame == null) {
            return null;
        }
        return new VideoFrame(packRgb(frame), frame.imageWidth, frame.imageHeight, frame.timestamp);
    }

    /**
     * Copies the grabber's (possibly row-padded) RGB24 image into a packed array. JavaCV derives
     * {@code imageChannels} from the padded row length, so it is not trusted: the pixel format was set to RGB24.
     */
    private static byte[] packRgb(Frame frame) {
        int rowBytes = frame.imageWidth * 3;
        if (frame.imageDepth != Frame.DEPTH_UBYTE || frame.imageStride < rowBytes) {
            throw new IllegalStateException("Expected RGB24 rows of at least " + rowBytes + " bytes from the grabber,"
                    + " got depth " + frame.imageDepth + " and stride " + frame.imageStride);
        }
        byte[] rgb = new byte[rowBytes * frame.imageHeight];
        ByteBuffer image = ((ByteBuffer) frame.image[0]).duplicate();
        if (frame.imageStride == rowBytes) {
            image.position(0);
            image.get(rgb, 0, rgb.length);
        } else {
            for (int y = 0; y < frame.imageHeight; y++) {
                image.position(y * frame.imageStride);
                image.get(rgb, y * rowBytes, rowBytes);
            }
        }
        return rgb;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            releaseQuietly(grabber);
        }
    }

    /**
     * libavdevice holds lavfi but also links PulseAudio, which headless machines often lack; without it files and
     * network streams still decode, so its absence only fails device formats, with a message saying why.
     */
    private static String registerInputDevices() {
        try {
            Loader.load(avdevice.class);
            avdevice.avdevice_register_all();
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.getMessage();
        }
    }

    private static void releaseQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException ignored) {
            // nothing more to free: the native context is gone or was never made
        }
    }

    /** JavaCV's message without its generic hints about its own API, which mean nothing to our users. */
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message.replace(" (Has setFormat() been called?)", "")
                .replaceAll(" ?\\(For more details, make sure FFmpegLogCallback\\.set\\(\\) has been called\\.\\)", "")
                .strip();
    }
}

package clipstream.ingest.source;

import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoFrame;
import clipstream.media.video.VideoOpenException;
import clipstream.media.video.VideoSource;
import java.io.IOException;
import java.time.Duration;

/**
 * A video file, lavfi graph or network stream read through model-store's {@link VideoDecoder}, scaled by FFmpeg
 * to the camera's output size. Media times for recordings; wall-clock times for live streams. A network source
 * that sends nothing for its read timeout fails its read instead of ending.
 */
final class VideoSourceReader implements CameraSource {
    /**
     * The most frames a decoder can still hold when its input fails: FFmpeg's automatic frame threads (at most 16)
     * plus H.264's reordering depth (at most 16), with room to spare.
     */
    static final int MAX_DECODER_DELAY_FRAMES = 64;

    private final VideoDecoder decoder;
    private final boolean live;
    private final Duration readTimeout;
    /** Frames returned since a read waited the whole read timeout; -1 while no read has. */
    private long framesSinceTimeout = -1;

    private VideoSourceReader(VideoDecoder decoder, boolean live, Duration readTimeout) {
        this.decoder = decoder;
        this.live = live;
        this.readTimeout = readTimeout;
    }

    /**
     * Opens {@code video}.
     *
     * @param readTimeout the read timeout FFmpeg was given for a network source (see {@link Sources}); null for a
     *     local file or a generated source
     */
    static VideoSourceReader open(VideoSource video, boolean live, Duration readTimeout) throws SourceException {
        try {
            return new VideoSourceReader(VideoDecoder.open(video), live, readTimeout);
        } catch (VideoOpenException e) {
            throw new SourceException(e.getMessage(), e);
        }
    }

    /**
     * The next frame; null at the end of the stream.
     *
     * @throws SourceException when the stream ended because FFmpeg's read timeout gave up on a silent server
     */
    @Override
    public CapturedFrame next() throws IOException {
        long started = System.nanoTime();
        VideoFrame frame = decoder.read();
        if (readTimeout != null && System.nanoTime() - started >= readTimeout.toNanos()) {
            framesSinceTimeout = 0;
        }
        if (frame == null) {
            if (timedOut()) {
                throw new SourceException("'" + decoder.source().describe() + "' sent nothing for "
                        + readTimeout.toMillis() + " ms, its read timeout (--read-timeout)");
            }
            return null;
        }
        if (framesSinceTimeout >= 0) {
            framesSinceTimeout++;
        }
        long time = live ? System.currentTimeMillis() * 1_000 : frame.timestampMicros();
        return new CapturedFrame(frame.rgb(), frame.width(), frame.height(), time);
    }

    /**
     * Whether the stream ended because FFmpeg's read timeout gave up rather than because it reached its end. JavaCV
     * reports a failed read as the end of the stream, after handing out the frames still in the decoder, so the two
     * are told apart by time: the read in which FFmpeg gave up waited the whole timeout and at most a decoder's
     * delay of frames follow it, while a server that closes its stream ends it at once (had it been silent that
     * long, the timeout would have fired first).
     */
    private boolean timedOut() {
        return framesSinceTimeout >= 0 && framesSinceTimeout <= MAX_DECODER_DELAY_FRAMES;
    }

    @Override
    public TimeBase timeBase() {
        return live ? TimeBase.WALL_CLOCK : TimeBase.MEDIA;
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public void close() {
        decoder.close();
    }
}

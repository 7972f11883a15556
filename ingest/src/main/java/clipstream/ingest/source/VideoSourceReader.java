package clipstream.ingest.source;

import clipstream.media.video.VideoDecoder;
import clipstream.media.video.VideoFrame;
import clipstream.media.video.VideoOpenException;
import clipstream.media.video.VideoSource;
import java.io.IOException;

/**
 * A video file, lavfi graph or network stream read through model-store's {@link VideoDecoder}, scaled by FFmpeg
 * to the camera's output size. Media times for recordings; wall-clock times for live streams.
 */
final class VideoSourceReader implements CameraSource {
    private final VideoDecoder decoder;
    private final boolean live;

    private VideoSourceReader(VideoDecoder decoder, boolean live) {
        this.decoder = decoder;
        this.live = live;
    }

    static VideoSourceReader open(VideoSource video, boolean live) throws SourceException {
        try {
            return new VideoSourceReader(VideoDecoder.open(video), live);
        } catch (VideoOpenException e) {
            throw new SourceException(e.getMessage(), e);
        }
    }

    @Override
    public CapturedFrame next() throws IOException {
        VideoFrame frame = decoder.read();
        if (frame == null) {
            return null;
        }
        long time = live ? System.currentTimeMillis() * 1_000 : frame.timestampMicros();
        return new CapturedFrame(frame.rgb(), frame.width(), frame.height(), time);
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

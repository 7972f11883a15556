package clipstream.media.video;

/**
 * One decoded picture: packed RGB24 pixels (row-major, {@code width * height * 3} bytes, no row padding) and
 * its presentation time in microseconds on the stream's clock (increasing; the first frame need not be at 0).
 */
public record VideoFrame(byte[] rgb, int width, int height, long timestampMicros) {

    public VideoFrame {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("RGB24 frame of " + width + "x" + height + " needs "
                    + width * height * 3 + " bytes, got " + rgb.length);
        }
    }
}

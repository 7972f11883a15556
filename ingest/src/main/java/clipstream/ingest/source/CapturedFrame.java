package clipstream.ingest.source;

/**
 * One picture as a source delivers it: packed RGB24 at the camera's output size, and when it was taken in
 * microseconds on the source's {@link TimeBase}.
 */
public record CapturedFrame(byte[] rgb, int width, int height, long timeMicros) {

    public CapturedFrame {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("RGB24 frame of " + width + "x" + height + " needs "
                    + width * height * 3 + " bytes, got " + rgb.length);
        }
    }
}

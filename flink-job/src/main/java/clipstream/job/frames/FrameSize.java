package clipstream.job.frames;

import java.io.Serializable;

/** The width and height frames are resized to: the model's input size, read from its manifest. */
public record FrameSize(int width, int height) implements Serializable {

    public FrameSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
    }

    /** Bytes of one frame of this size in RGB24. */
    public int rgbBytes() {
        return width * height * 3;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}

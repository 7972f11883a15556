package clipstream.job.records;

import java.io.Serializable;

/**
 * Who a person's clip follows: their track on the camera and where they were during the clip (the union of their
 * detection boxes, in pixels of the camera's {@code frameWidth} × {@code frameHeight} frames).
 */
public record PersonRef(long trackId, float xMin, float yMin, float xMax, float yMax, int frameWidth,
                        int frameHeight) implements Serializable {
}

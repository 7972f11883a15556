package clipstream.job.people;

import java.io.Serializable;

/**
 * One person followed on one camera: a stable id, the box of their latest detection, and how many frames in a row
 * found them ({@code hits}) or missed them ({@code misses}). A track is confirmed after enough hits; only a
 * confirmed track's id is reported.
 */
public record Track(long id, Box box, int hits, int misses, boolean confirmed) implements Serializable {

    /** An axis-aligned box in frame pixels. */
    public record Box(float xMin, float yMin, float xMax, float yMax) implements Serializable {

        public float area() {
            return Math.max(0, xMax - xMin) * Math.max(0, yMax - yMin);
        }

        /** Intersection over union with {@code other}, 0 when they do not overlap (or either is empty). */
        public float iou(Box other) {
            float w = Math.min(xMax, other.xMax) - Math.max(xMin, other.xMin);
            float h = Math.min(yMax, other.yMax) - Math.max(yMin, other.yMin);
            if (w <= 0 || h <= 0) {
                return 0;
            }
            float intersection = w * h;
            float union = area() + other.area() - intersection;
            return union <= 0 ? 0 : intersection / union;
        }
    }
}

package clipstream.job.people;

import java.io.Serializable;

/**
 * One person followed on one camera: a stable id, the box where they are now (their latest detection's, moved on at
 * their velocity for each frame since that missed them), how many frames found them ({@code hits}) and how many in a
 * row have missed them since ({@code misses}), whether the track is confirmed (only a confirmed track's id is
 * reported), their smoothed velocity in pixels per posed frame, and their keypoints where they were last seen (the 17
 * COCO keypoints as [x0, y0, score0, ...], or null when none are known).
 *
 * <p>Kept in Flink keyed state as a POJO, whose fields may grow: a track restored from a checkpoint that has no
 * velocity or keypoints for it comes back at rest ({@code dx = dy = 0}) and without keypoints, and picks both up at
 * its next match. {@code keypoints} is never changed once the track is made.
 */
public record Track(long id, Box box, int hits, int misses, boolean confirmed, float dx, float dy, float[] keypoints)
        implements Serializable {

    /** Where this track's person is expected in the next frame: its box moved on by one frame of its velocity. */
    public Box predicted() {
        return box.shifted(dx, dy);
    }

    /** Where this track's person was last seen: its box moved back by the frames that have missed them since. */
    public Box seen() {
        return box.shifted(-dx * misses, -dy * misses);
    }

    /** An axis-aligned box in frame pixels. */
    public record Box(float xMin, float yMin, float xMax, float yMax) implements Serializable {

        public float area() {
            return Math.max(0, xMax - xMin) * Math.max(0, yMax - yMin);
        }

        public float height() {
            return Math.max(0, yMax - yMin);
        }

        public float centerX() {
            return (xMin + xMax) / 2;
        }

        public float centerY() {
            return (yMin + yMax) / 2;
        }

        public Box shifted(float x, float y) {
            return x == 0 && y == 0 ? this : new Box(xMin + x, yMin + y, xMax + x, yMax + y);
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

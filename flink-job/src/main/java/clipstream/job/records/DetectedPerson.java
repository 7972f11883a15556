package clipstream.job.records;

import java.util.Arrays;

/**
 * One person in one frame as a pose model found them, before tracking: detection score, box and the 17 COCO
 * keypoints as {@code keypoints} = [x0, y0, score0, x1, y1, score1, ...] (51 values), all in the frame's pixels.
 */
public record DetectedPerson(float score, float xMin, float yMin, float xMax, float yMax, float[] keypoints) {
    /** Keypoints per person: COCO's 17. */
    public static final int KEYPOINTS = 17;

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectedPerson other && Float.compare(score, other.score) == 0
                && Float.compare(xMin, other.xMin) == 0 && Float.compare(yMin, other.yMin) == 0
                && Float.compare(xMax, other.xMax) == 0 && Float.compare(yMax, other.yMax) == 0
                && Arrays.equals(keypoints, other.keypoints);
    }

    @Override
    public int hashCode() {
        return 31 * Float.hashCode(score) + Arrays.hashCode(keypoints);
    }

    @Override
    public String toString() {
        return "DetectedPerson[" + score + " at " + xMin + "," + yMin + "-" + xMax + "," + yMax + "]";
    }
}

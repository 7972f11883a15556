package clipstream.job.people;

import clipstream.media.people.Joint;

/**
 * How alike two poses of the 17 COCO keypoints are, as COCO's object keypoint similarity (OKS): the mean, over the
 * keypoints seen in both, of {@code exp(-d² / (2 · area · (2σ)²))} with {@code d} the distance between the two
 * places of the keypoint, {@code area} the person's box area and {@code σ} the keypoint's annotation spread
 * ({@link Joint#cocoSigma()}). 1 for the same pose, near 0 for another body in the same place; unlike box overlap it
 * tells apart two people whose boxes overlap.
 */
public final class PoseSimilarity {
    /** Keypoints scored below this are not compared: the pose model did not see them. */
    public static final float MIN_KEYPOINT_SCORE = 0.2f;
    /** Fewer keypoints seen in both poses than this and the poses are not compared. */
    public static final int MIN_SHARED_KEYPOINTS = 4;

    private static final float[] SPREAD = new float[Joint.COUNT];

    static {
        for (Joint joint : Joint.values()) {
            double k = 2 * joint.cocoSigma();
            SPREAD[joint.ordinal()] = (float) (2 * k * k);
        }
    }

    private PoseSimilarity() {
    }

    /**
     * The OKS of {@code a} moved by ({@code dx}, {@code dy}) and {@code b} (each [x0, y0, score0, ...], 51 values, or
     * null), at the scale of a box of {@code area}; NaN when they cannot be compared (either missing, too few
     * keypoints seen in both, an empty box).
     */
    public static float oks(float[] a, float dx, float dy, float[] b, float area) {
        if (a == null || b == null || a.length < 3 * Joint.COUNT || b.length < 3 * Joint.COUNT || !(area > 0)) {
            return Float.NaN;
        }
        double sum = 0;
        int shared = 0;
        for (int k = 0; k < Joint.COUNT; k++) {
            int i = 3 * k;
            if (a[i + 2] >= MIN_KEYPOINT_SCORE && b[i + 2] >= MIN_KEYPOINT_SCORE) {
                float x = a[i] + dx - b[i];
                float y = a[i + 1] + dy - b[i + 1];
                sum += Math.exp(-(x * x + y * y) / (SPREAD[k] * area));
                shared++;
            }
        }
        return shared < MIN_SHARED_KEYPOINTS ? Float.NaN : (float) (sum / shared);
    }
}

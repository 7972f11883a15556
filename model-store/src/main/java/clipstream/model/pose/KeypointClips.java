package clipstream.model.pose;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A person's keypoints over a clip as a pose-based action model takes them: x and y moved into the person's clip
 * box, a square around everything the person covers in the clip (PoseC3D's crop), so the model sees the same
 * picture whatever the person's size or place in the frame. Training data and the job's per-track clips both go
 * through here, so what the model learnt and what it is served cannot differ.
 */
public final class KeypointClips {
    /** Keypoints at or above this score decide the clip box; fewer than {@link #MIN_BOX_KEYPOINTS} fall back to any score above 0. */
    public static final float BOX_SCORE = 0.2f;
    /** The fewest keypoints a box is made of before lower-scored ones are taken too. */
    public static final int MIN_BOX_KEYPOINTS = 3;
    /** The box's side as a multiple of the larger side of the keypoints' extent: room around the person. */
    public static final float MARGIN = 1.25f;

    private KeypointClips() {
    }

    /** The square a clip's keypoints were normalised to, in frame pixels; side 0 when the clip had no keypoint. */
    public record Box(float xMin, float yMin, float side) {
    }

    /**
     * {@code keypoints} [frame][joint][x, y, score] in frame pixels to one array frame × joint × (x, y, score), x
     * and y in [0, 1] of {@link #box}'s square (a frame with nobody, all scores 0, stays all 0). Scores are clipped to
     * [0, 1]; a non-finite value counts as a lost joint (0, 0, 0).
     */
    public static float[] normalise(float[][][] keypoints) {
        Box box = box(keypoints);
        int joints = keypoints.length == 0 ? 0 : keypoints[0].length;
        float[] out = new float[keypoints.length * joints * 3];
        if (box.side() <= 0) {
            return out;
        }
        int i = 0;
        for (float[][] frame : keypoints) {
            if (frame.length != joints) {
                throw new IllegalArgumentException("Every frame of a keypoint clip needs " + joints + " keypoints, one has "
                        + frame.length);
            }
            for (float[] k : frame) {
                if (usable(k)) {
                    out[i] = (k[0] - box.xMin()) / box.side();
                    out[i + 1] = (k[1] - box.yMin()) / box.side();
                    out[i + 2] = Math.min(1f, k[2]);
                }
                i += 3;
            }
        }
        return out;
    }

    /**
     * The square around the clip's keypoints: those of score at least {@link #BOX_SCORE}, or, when fewer than
     * {@link #MIN_BOX_KEYPOINTS} are, every keypoint of score above 0; centred on their extent, its side
     * {@link #MARGIN} times the extent's larger side (at least 1 pixel).
     */
    public static Box box(float[][][] keypoints) {
        Box box = extent(keypoints, BOX_SCORE);
        return box != null ? box : java.util.Objects.requireNonNullElse(extent(keypoints, Float.MIN_VALUE),
                new Box(0, 0, 0));
    }

    private static Box extent(float[][][] keypoints, float minScore) {
        float xMin = Float.POSITIVE_INFINITY;
        float yMin = Float.POSITIVE_INFINITY;
        float xMax = Float.NEGATIVE_INFINITY;
        float yMax = Float.NEGATIVE_INFINITY;
        int count = 0;
        for (float[][] frame : keypoints) {
            for (float[] k : frame) {
                if (usable(k) && k[2] >= minScore) {
                    xMin = Math.min(xMin, k[0]);
                    yMin = Math.min(yMin, k[1]);
                    xMax = Math.max(xMax, k[0]);
                    yMax = Math.max(yMax, k[1]);
                    count++;
                }
            }
        }
        if (count < MIN_BOX_KEYPOINTS) {
            return null;
        }
        float side = Math.max(1f, MARGIN * Math.max(xMax - xMin, yMax - yMin));
        return new Box((xMin + xMax - side) / 2, (yMin + yMax - side) / 2, side);
    }

    private static boolean usable(float[] k) {
        return k.length >= 3 && Float.isFinite(k[0]) && Float.isFinite(k[1]) && Float.isFinite(k[2]) && k[2] > 0;
    }

    /** A normalised clip as the bytes a keypoint model's classifier takes: little-endian float32, in order. */
    public static byte[] toBytes(float[] clip) {
        ByteBuffer bytes = ByteBuffer.allocate(clip.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(clip);
        return bytes.array();
    }

    /** The inverse of {@link #toBytes}. */
    public static float[] fromBytes(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("A keypoint clip has 4 bytes per value, got " + bytes.length + " bytes");
        }
        float[] clip = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(clip);
        return clip;
    }
}

package clipstream.media.synthetic;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * An endless, deterministic motion-actions stream: consecutive segments of {@code segmentFrames} frames,
 * each a fresh scene of one action (fixed, or drawn per segment). The ground truth of any frame follows from
 * the seed and its sequence number alone ({@link #actionAt(long)}), so a consumer can score events without
 * talking to the producer.
 *
 * <p>Not thread-safe: one instance per camera thread.
 */
public final class SyntheticCamera {
    private final SceneRenderer renderer;
    private final Optional<MotionAction> fixedAction;
    private final int segmentFrames;
    private final long seed;
    private long renderedSegment = -1;
    private byte[] segment;

    public SyntheticCamera(int width, int height, Optional<MotionAction> fixedAction, int segmentFrames, long seed) {
        if (segmentFrames < 1) {
            throw new IllegalArgumentException("segmentFrames must be positive, got " + segmentFrames);
        }
        this.renderer = new SceneRenderer(width, height);
        this.fixedAction = fixedAction;
        this.segmentFrames = segmentFrames;
        this.seed = seed;
    }

    /**
     * Parses the part after {@code synthetic:} — a label such as {@code left} or {@code random} — into the
     * fixed action it names (empty for random).
     */
    public static Optional<MotionAction> parseAction(String spec) {
        return spec.equalsIgnoreCase("random") ? Optional.empty() : Optional.of(MotionAction.fromLabel(spec));
    }

    public int width() {
        return renderer.width();
    }

    public int height() {
        return renderer.height();
    }

    public int segmentFrames() {
        return segmentFrames;
    }

    /** The action shown in frame {@code seq}. */
    public MotionAction actionAt(long seq) {
        return fixedAction.orElseGet(() -> {
            MotionAction[] actions = MotionAction.values();
            return actions[new SplittableRandom(segmentSeed(seq / segmentFrames)).nextInt(actions.length)];
        });
    }

    /** Frame {@code seq} as RGB24 bytes (height × width × 3), copied into a fresh array. */
    public byte[] frame(long seq) {
        byte[] out = new byte[renderer.width() * renderer.height() * 3];
        frame(seq, out);
        return out;
    }

    /** Writes frame {@code seq} into {@code out}. Sequential access renders each segment once. */
    public void frame(long seq, byte[] out) {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, got " + seq);
        }
        long index = seq / segmentFrames;
        int frameBytes = renderer.width() * renderer.height() * 3;
        if (index != renderedSegment) {
            if (segment == null) {
                segment = new byte[segmentFrames * frameBytes];
            }
            renderer.render(actionAt(seq), segmentFrames, segmentSeed(index) ^ 0x5DEECE66DL, segment, 0);
            renderedSegment = index;
        }
        System.arraycopy(segment, (int) (seq % segmentFrames) * frameBytes, out, 0, frameBytes);
    }

    private long segmentSeed(long index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextLong();
    }
}

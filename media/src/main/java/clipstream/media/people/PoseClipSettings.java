package clipstream.media.people;

import java.util.Objects;

/**
 * What {@link PoseClipGenerator} makes: clips of {@code frames} frames at {@code fps}, seen in frames of
 * {@code width}×{@code height} pixels, through a pose estimator with {@code noise}; {@code heldOutFraction} of all
 * clip seeds form the held-out split.
 */
public record PoseClipSettings(int frames, double fps, int width, int height, KeypointNoise noise,
                               double heldOutFraction) {

    /** 32 frames at 25 fps (1.28 s, the action model's clip), 640×480, default noise, a fifth held out. */
    public static final PoseClipSettings DEFAULTS = new PoseClipSettings(32, 25, 640, 480, KeypointNoise.DEFAULTS, 0.2);

    public PoseClipSettings {
        Objects.requireNonNull(noise, "noise");
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be positive, got " + frames);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("frames need at least 16x16 pixels, got " + width + "x" + height);
        }
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("heldOutFraction must be within [0, 1), got " + heldOutFraction);
        }
    }

    public double clipSeconds() {
        return frames / fps;
    }

    public PoseClipSettings withNoise(KeypointNoise newNoise) {
        return new PoseClipSettings(frames, fps, width, height, newNoise, heldOutFraction);
    }
}

package clipstream.media.people;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The 17 COCO keypoints in the order MoveNet reports them; left and right are the person's own.
 *
 * <p>{@code cocoSigma}: the spread of human annotators' clicks per unit of object scale (√area), from the COCO
 * keypoint evaluation (the OKS constants; Ronchi &amp; Perona, ICCV 2017): how precisely a joint can be placed at all.
 * {@code dropoutWeight}: how much more often than average a pose estimator loses the joint (small, fast or often
 * hidden parts: wrists, ankles, ears); a guess, to be measured. {@code contactRadius}: how far the joint stays above a
 * surface the body rests on, as a fraction of stature (flesh and bone around it; the ankle's is its height standing).
 */
public enum Joint {
    NOSE(0.026, 1.0, 0.050),
    LEFT_EYE(0.025, 1.0, 0.050),
    RIGHT_EYE(0.025, 1.0, 0.050),
    LEFT_EAR(0.035, 2.0, 0.050),
    RIGHT_EAR(0.035, 2.0, 0.050),
    LEFT_SHOULDER(0.079, 0.5, 0.050),
    RIGHT_SHOULDER(0.079, 0.5, 0.050),
    LEFT_ELBOW(0.072, 1.0, 0.025),
    RIGHT_ELBOW(0.072, 1.0, 0.025),
    LEFT_WRIST(0.062, 2.5, 0.020),
    RIGHT_WRIST(0.062, 2.5, 0.020),
    LEFT_HIP(0.107, 0.7, 0.055),
    RIGHT_HIP(0.107, 0.7, 0.055),
    LEFT_KNEE(0.087, 1.0, 0.030),
    RIGHT_KNEE(0.087, 1.0, 0.030),
    LEFT_ANKLE(0.089, 2.0, BodyProportions.ANKLE),
    RIGHT_ANKLE(0.089, 2.0, BodyProportions.ANKLE);

    /** How many keypoints a pose has. */
    public static final int COUNT = 17;

    private final double cocoSigma;
    private final double dropoutWeight;
    private final double contactRadius;

    Joint(double cocoSigma, double dropoutWeight, double contactRadius) {
        this.cocoSigma = cocoSigma;
        this.dropoutWeight = dropoutWeight;
        this.contactRadius = contactRadius;
    }

    public double cocoSigma() {
        return cocoSigma;
    }

    public double dropoutWeight() {
        return dropoutWeight;
    }

    public double contactRadius() {
        return contactRadius;
    }

    /** The keypoint's name as MoveNet and COCO write it, e.g. {@code left_shoulder}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The same keypoint on the other side of the body; the nose is its own mirror. */
    public Joint mirror() {
        if (name().startsWith("LEFT_")) {
            return valueOf("RIGHT_" + name().substring(5));
        }
        return name().startsWith("RIGHT_") ? valueOf("LEFT_" + name().substring(6)) : this;
    }

    /** Whether the keypoint is on the person's left or right; false for the nose. */
    public boolean isOn(BodySide side) {
        return name().startsWith(side.name() + "_");
    }

    /** The left or right keypoint of a part named like {@code SHOULDER}. */
    public static Joint of(BodySide side, String part) {
        return valueOf(side.name() + "_" + part);
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(Joint::label).toList();
    }
}

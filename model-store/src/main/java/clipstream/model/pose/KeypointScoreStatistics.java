package clipstream.model.pose;

import clipstream.media.people.Joint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The keypoint scores a pose model gives the people of a video and the joints it loses, in the terms of media's
 * {@code KeypointNoise}: the distribution of all scores and of those at or above {@code minScore} (a seen joint:
 * {@code visibleScore}, {@code scoreSpread}), a histogram, per joint and body part the fraction scored below
 * {@code minScore} (a lost joint: {@code dropoutRate} times the joint's {@link Joint#dropoutWeight()}), the same by
 * the person's height ({@code smallPersonPixels}), and keypoints placed outside the frame ({@code outOfFrameScore}),
 * which are left out of everything else. Joints hidden behind the body or other people count as lost here, as they
 * do for the model.
 */
public final class KeypointScoreStatistics {
    /** Bounds of the person-height bands in frame pixels. */
    static final double[] HEIGHT_BANDS = {0, 60, 80, 100, 120, Double.POSITIVE_INFINITY};
    /** The histogram's bins over [0, 1]. */
    static final int HISTOGRAM_BINS = 20;

    private final float minScore;
    private final int frameWidth;
    private final int frameHeight;
    private final List<float[][]> people = new ArrayList<>();
    private final List<Double> heights = new ArrayList<>();

    public KeypointScoreStatistics(float minScore, int frameWidth, int frameHeight) {
        if (!(minScore > 0 && minScore < 1) || frameWidth < 1 || frameHeight < 1) {
            throw new IllegalArgumentException("need a keypoint score threshold within (0, 1) and a frame size, got "
                    + minScore + " and " + frameWidth + "x" + frameHeight);
        }
        this.minScore = minScore;
        this.frameWidth = frameWidth;
        this.frameHeight = frameHeight;
    }

    /** Adds one person's keypoints {@code [joint][x, y, score]} in frame pixels, and their height in pixels. */
    public void add(float[][] keypoints, double heightPixels) {
        if (keypoints.length != Joint.COUNT) {
            throw new IllegalArgumentException("a person has " + Joint.COUNT + " keypoints, got " + keypoints.length);
        }
        people.add(keypoints);
        heights.add(heightPixels);
    }

    /** One joint: its keypoints inside the frame, their mean and median score, the fraction below the threshold. */
    public record JointScores(String joint, long count, double meanScore, double medianScore, double lostFraction,
                              double dropoutWeight, double impliedDropoutRate) {
    }

    /** People of a height in [fromPixels, toPixels): the fraction of their keypoints lost, the mean seen score. */
    public record HeightBand(double fromPixels, double toPixels, long people, double lostFraction,
                             double meanSeenScore) {
    }

    /**
     * What the scores say.
     *
     * @param histogram fraction of in-frame keypoints per score bin of width 0.05, from 0 up
     * @param lostFraction fraction of in-frame keypoints scored below {@code minScore}
     * @param impliedDropoutRate median over joints of lostFraction / dropoutWeight
     * @param outsideFrameFraction fraction of all keypoints placed outside the frame
     */
    public record Summary(long people, float minScore, SampleSummary scores, SampleSummary seenScores,
                          double[] histogram, double lostFraction, double faceLost, double torsoLost, double armsLost,
                          double legsLost, List<JointScores> joints, List<HeightBand> byHeight,
                          double impliedDropoutRate, long outsideFrame, double outsideFrameFraction,
                          double outsideFrameMeanScore) {
    }

    public Summary summary() {
        List<Double> all = new ArrayList<>();
        List<Double> seen = new ArrayList<>();
        List<Double> outside = new ArrayList<>();
        double[] histogram = new double[HISTOGRAM_BINS];
        for (float[][] person : people) {
            for (float[] k : person) {
                if (!inFrame(k)) {
                    outside.add((double) k[2]);
                    continue;
                }
                all.add((double) k[2]);
                if (k[2] >= minScore) {
                    seen.add((double) k[2]);
                }
                histogram[Math.max(0, Math.min(HISTOGRAM_BINS - 1, (int) (k[2] * HISTOGRAM_BINS)))]++;
            }
        }
        for (int b = 0; b < HISTOGRAM_BINS; b++) {
            histogram[b] = all.isEmpty() ? 0 : histogram[b] / all.size();
        }
        List<JointScores> joints = new ArrayList<>(Joint.COUNT);
        for (Joint joint : Joint.values()) {
            joints.add(jointScores(joint));
        }
        long keypoints = all.size() + outside.size();
        return new Summary(people.size(), minScore, SampleSummary.of(all), SampleSummary.of(seen), histogram,
                lost(j -> true), lost(part("face")), lost(part("torso")), lost(part("arms")), lost(part("legs")),
                List.copyOf(joints), byHeight(),
                SampleSummary.medianOf(joints.stream().mapToDouble(JointScores::impliedDropoutRate).toArray()),
                outside.size(), keypoints == 0 ? Double.NaN : outside.size() / (double) keypoints,
                SampleSummary.of(outside).mean());
    }

    private JointScores jointScores(Joint joint) {
        int j = joint.ordinal();
        List<Double> scores = new ArrayList<>();
        for (float[][] person : people) {
            if (inFrame(person[j])) {
                scores.add((double) person[j][2]);
            }
        }
        SampleSummary summary = SampleSummary.of(scores);
        double lost = lost(i -> i == j);
        return new JointScores(joint.label(), scores.size(), summary.mean(), summary.median(), lost,
                joint.dropoutWeight(), lost / joint.dropoutWeight());
    }

    /** The fraction of in-frame keypoints of the joints {@code joint} accepts that were scored below the threshold. */
    private double lost(IntPredicate joint) {
        return lost(joint, 0, Double.POSITIVE_INFINITY);
    }

    private double lost(IntPredicate joint, double fromHeight, double toHeight) {
        long count = 0;
        long lost = 0;
        for (int p = 0; p < people.size(); p++) {
            if (heights.get(p) < fromHeight || heights.get(p) >= toHeight) {
                continue;
            }
            float[][] person = people.get(p);
            for (int j = 0; j < person.length; j++) {
                if (joint.test(j) && inFrame(person[j])) {
                    count++;
                    lost += person[j][2] < minScore ? 1 : 0;
                }
            }
        }
        return count == 0 ? Double.NaN : lost / (double) count;
    }

    private List<HeightBand> byHeight() {
        List<HeightBand> bands = new ArrayList<>();
        for (int b = 0; b + 1 < HEIGHT_BANDS.length; b++) {
            double from = HEIGHT_BANDS[b];
            double to = HEIGHT_BANDS[b + 1];
            long count = 0;
            List<Double> seen = new ArrayList<>();
            for (int p = 0; p < people.size(); p++) {
                if (heights.get(p) >= from && heights.get(p) < to) {
                    count++;
                    for (float[] k : people.get(p)) {
                        if (inFrame(k) && k[2] >= minScore) {
                            seen.add((double) k[2]);
                        }
                    }
                }
            }
            bands.add(new HeightBand(from, to, count, lost(j -> true, from, to), SampleSummary.of(seen).mean()));
        }
        return List.copyOf(bands);
    }

    /** Accepts the joints of one body part: face (nose, eyes, ears), torso (shoulders, hips), arms or legs. */
    private static IntPredicate part(String name) {
        return j -> {
            String joint = Joint.values()[j].name();
            String part = joint.endsWith("SHOULDER") || joint.endsWith("HIP") ? "torso"
                    : joint.endsWith("ELBOW") || joint.endsWith("WRIST") ? "arms"
                    : joint.endsWith("KNEE") || joint.endsWith("ANKLE") ? "legs" : "face";
            return part.equals(name);
        };
    }

    private boolean inFrame(float[] keypoint) {
        return keypoint[0] >= 0 && keypoint[0] < frameWidth && keypoint[1] >= 0 && keypoint[1] < frameHeight;
    }
}

package clipstream.model.pose;

import clipstream.media.people.Joint;
import java.util.ArrayList;
import java.util.List;

/**
 * How much a pose model's keypoints of a person standing still move from frame to frame, in the terms of media's
 * {@code KeypointNoise}: per joint the spread of x and y around the joint's mean position as a fraction of the
 * person's mean height ({@code relative}), that divided by the joint's {@link Joint#cocoSigma()} ({@code jitterScale}),
 * and the lag-1 autocorrelation of the deviations ({@code correlation}, x and y pooled); the summary takes the
 * median over joints. A real person sways and breathes and that counts as jitter here, so on real footage both are
 * upper bounds of the model's own.
 *
 * <p>Over a short stretch both raw estimates are low: the spread is taken around the stretch's own mean, which
 * follows correlated errors, and the lag-1 autocorrelation of N values is biased by about −(1 + 3ρ)/N (Kendall).
 * The corrected fields undo both for an AR(1) error, as {@code SimulatedPoseEstimator} makes: ρ ≈ (N·r + 1)/(N − 3),
 * and the spread divided by the square root of E[s²]/σ² = 1 − 2/(N(N − 1)) · Σₖ (N − k)ρᵏ, N being the joints'
 * median number of frames.
 *
 * @param frames frames in which the person was found
 * @param meanHeight the person's mean height in pixels over those frames
 * @param minScore keypoints scored below this were left out
 * @param joints one entry per joint, in {@link Joint} order
 * @param jitterScale median of the joints' {@code jitterScale}
 * @param correlation median of the joints' {@code correlation}
 * @param correctedJitterScale {@code jitterScale} corrected for the stretch's length; NaN below 5 frames
 * @param correctedCorrelation {@code correlation} corrected for the stretch's length; NaN below 5 frames
 */
public record StillPersonJitter(int frames, double meanHeight, float minScore, List<JointJitter> joints,
                                double jitterScale, double correlation, double correctedJitterScale,
                                double correctedCorrelation) {

    /** Fewer frames than this with a joint scored at least {@code minScore} leave the joint unmeasured (NaN). */
    public static final int MIN_FRAMES = 3;

    /**
     * One joint's jitter: {@code sdX}, {@code sdY} in pixels (n − 1), {@code relative} their root mean square over
     * the mean height, {@code jitterScale} that over the joint's COCO σ.
     */
    public record JointJitter(String joint, int frames, double sdX, double sdY, double relative, double jitterScale,
                              double correlation) {
    }

    /**
     * Measures one person's keypoints {@code [frame][joint][x, y, score]} over consecutive frames, with the person's
     * height in pixels per frame; a null frame is one in which the person was not found.
     */
    public static StillPersonJitter of(float[][][] keypoints, double[] heights, float minScore) {
        if (keypoints.length != heights.length) {
            throw new IllegalArgumentException(keypoints.length + " frames of keypoints but " + heights.length
                    + " heights");
        }
        int frames = 0;
        double heightSum = 0;
        for (int t = 0; t < keypoints.length; t++) {
            if (keypoints[t] != null) {
                if (keypoints[t].length != Joint.COUNT) {
                    throw new IllegalArgumentException("frame " + t + " has " + keypoints[t].length + " keypoints, not "
                            + Joint.COUNT);
                }
                frames++;
                heightSum += heights[t];
            }
        }
        double meanHeight = frames == 0 ? Double.NaN : heightSum / frames;
        List<JointJitter> joints = new ArrayList<>(Joint.COUNT);
        for (Joint joint : Joint.values()) {
            joints.add(joint(keypoints, joint, minScore, meanHeight));
        }
        double scale = SampleSummary.medianOf(joints.stream().mapToDouble(JointJitter::jitterScale).toArray());
        double r = SampleSummary.medianOf(joints.stream().mapToDouble(JointJitter::correlation).toArray());
        double n = SampleSummary.medianOf(joints.stream().filter(j -> Double.isFinite(j.jitterScale()))
                .mapToDouble(JointJitter::frames).toArray());
        double rho = n >= 5 ? Math.max(-0.99, Math.min(0.99, (n * r + 1) / (n - 3))) : Double.NaN;
        double correctedScale = n >= 5 ? scale / Math.sqrt(varianceKept(rho, (int) Math.round(n))) : Double.NaN;
        return new StillPersonJitter(frames, meanHeight, minScore, List.copyOf(joints), scale, r, correctedScale, rho);
    }

    private static JointJitter joint(float[][][] keypoints, Joint joint, float minScore, double meanHeight) {
        int j = joint.ordinal();
        int n = 0;
        double sumX = 0;
        double sumY = 0;
        for (float[][] frame : keypoints) {
            if (seen(frame, j, minScore)) {
                n++;
                sumX += frame[j][0];
                sumY += frame[j][1];
            }
        }
        if (n < MIN_FRAMES) {
            return new JointJitter(joint.label(), n, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double meanX = sumX / n;
        double meanY = sumY / n;
        double squaresX = 0;
        double squaresY = 0;
        double lagged = 0;
        int pairs = 0;
        for (int t = 0; t < keypoints.length; t++) {
            if (!seen(keypoints[t], j, minScore)) {
                continue;
            }
            double dx = keypoints[t][j][0] - meanX;
            double dy = keypoints[t][j][1] - meanY;
            squaresX += dx * dx;
            squaresY += dy * dy;
            if (t + 1 < keypoints.length && seen(keypoints[t + 1], j, minScore)) {
                lagged += dx * (keypoints[t + 1][j][0] - meanX) + dy * (keypoints[t + 1][j][1] - meanY);
                pairs++;
            }
        }
        double sdX = Math.sqrt(squaresX / (n - 1));
        double sdY = Math.sqrt(squaresY / (n - 1));
        double relative = Math.sqrt((sdX * sdX + sdY * sdY) / 2) / meanHeight;
        // the usual r1 = Σ d(t)·d(t+1) / Σ d(t)², its numerator scaled up for pairs lost to unseen frames
        double squares = squaresX + squaresY;
        double correlation = pairs == 0 || squares == 0 ? Double.NaN : lagged * (n - 1) / pairs / squares;
        return new JointJitter(joint.label(), n, sdX, sdY, relative, relative / joint.cocoSigma(), correlation);
    }

    private static boolean seen(float[][] frame, int joint, float minScore) {
        return frame != null && frame[joint][2] >= minScore;
    }

    /** E[s²]/σ² for n values of a stationary AR(1) series with coefficient {@code rho}, s² taken around their mean. */
    static double varianceKept(double rho, int n) {
        double sum = 0;
        double power = 1;
        for (int k = 1; k < n; k++) {
            power *= rho;
            sum += (n - k) * power;
        }
        return 1 - 2 * sum / ((double) n * (n - 1));
    }
}

package clipstream.model.zoo;

/** The shared layer vocabulary every architecture of the zoo is written in. */
public sealed interface Layer {

    /** Unique name within an architecture; variables are named {@code <name>/kernel}, {@code <name>/bias}. */
    String name();

    /**
     * 3-D convolution, stride 1, then a bias (or batch normalisation) and a ReLU; {@code same} pads by k/2,
     * otherwise valid.
     */
    record Conv3D(String name, int filters, int kernelT, int kernelH, int kernelW, boolean same, boolean batchNorm)
            implements Layer {
    }

    /**
     * A causal 3-D convolution: stride 1, padded by {@code kernelT - 1} frames of the past only in time (no frame sees
     * a later one) and by k/2 on each side in space, then batch normalisation (or a bias) and a ReLU. What makes a
     * network streamable: run on a few new frames at a time, each call needs only the last {@code kernelT - 1} time
     * steps of the layer's input from the call before (its stream state, {@link NetworkPlan#streamStates()}).
     */
    record CausalConv3D(String name, int filters, int kernelT, int kernelH, int kernelW, boolean batchNorm)
            implements Layer {
        public CausalConv3D {
            if (filters < 1 || kernelT < 1 || kernelH < 1 || kernelW < 1 || kernelH % 2 == 0 || kernelW % 2 == 0) {
                throw new IllegalArgumentException(name + ": a causal convolution needs filters >= 1, kernelT >= 1"
                        + " and odd spatial kernels, got " + filters + ", " + kernelT + "x" + kernelH + "x" + kernelW);
            }
        }
    }

    /**
     * Averages each channel over space and over the time steps of the last {@code frames} input frames: T×H×W×C to C.
     * On an input of exactly {@code frames} frames it is a global average pool; on a longer one it is the head of a
     * stream network, whose stream mode keeps the last {@code frames}' per-step features as its state and averages
     * them after each chunk (the running temporal average of a clip ending at the newest frame).
     */
    record WindowAveragePool(String name, int frames) implements Layer {
        public WindowAveragePool {
            if (frames < 1) {
                throw new IllegalArgumentException(name + ": the window needs at least one frame, got " + frames);
            }
        }
    }

    /** Max pooling with stride equal to the window; {@code same} keeps partial windows (ceil division). */
    record MaxPool3D(String name, int poolT, int poolH, int poolW, boolean same) implements Layer {
    }

    /**
     * Renders a keypoint clip (T × joints × (x, y, score), x and y in [0, 1] of the person's clip box) as a
     * heatmap volume T × height × width × joints inside the graph: per joint a Gaussian of {@code sigma} heatmap
     * pixels at its position. With {@code minScore} 0 each Gaussian is scaled by its joint's score (PoseC3D's
     * score-weighted joint heatmaps, Duan et al. 2022); with {@code minScore} above 0 a joint scored at least that is
     * drawn at full height and one below it not at all, so the network sees where joints are and never how sure the
     * pose model was: a real pose model's scores depend on the footage (light, size, blur) in ways generated training
     * data does not reproduce, and a network that reads them learns the generator's score model (docs/benchmarks.md,
     * "people model"). A joint with score 0 (lost, or no person in the frame) adds nothing either way.
     */
    record PoseHeatmaps(String name, int joints, int height, int width, double sigma, double minScore)
            implements Layer {
        public PoseHeatmaps {
            if (joints < 1 || height < 2 || width < 2 || !(sigma > 0) || !(minScore >= 0 && minScore < 1)) {
                throw new IllegalArgumentException("PoseHeatmaps needs joints >= 1, a map of at least 2x2, sigma > 0"
                        + " and 0 <= minScore < 1");
            }
        }
    }

    /** Keeps one frame (the middle one) of the clip: the input of a single-frame baseline. */
    record MiddleFrame(String name) implements Layer {
    }

    /** Averages each channel over time and space: T×H×W×C to C per clip. */
    record GlobalAveragePool(String name) implements Layer {
    }

    /** Flattens T×H×W×C to one vector per clip. */
    record Flatten(String name) implements Layer {
    }

    /** Fully connected layer, with ReLU unless it is the output (logits). */
    record Dense(String name, int units, boolean relu) implements Layer {
    }

    /** Drops activations with probability {@code rate} while training; identity at inference. */
    record Dropout(String name, double rate) implements Layer {
    }
}

package clipstream.model.zoo;

import clipstream.model.store.InputShape;
import clipstream.model.zoo.Layer.CausalConv3D;
import clipstream.model.zoo.Layer.Conv3D;
import clipstream.model.zoo.Layer.Dense;
import clipstream.model.zoo.Layer.Dropout;
import clipstream.model.zoo.Layer.Flatten;
import clipstream.model.zoo.Layer.GlobalAveragePool;
import clipstream.model.zoo.Layer.MaxPool3D;
import clipstream.model.zoo.Layer.MiddleFrame;
import clipstream.model.zoo.Layer.PoseHeatmaps;
import clipstream.model.zoo.Layer.WindowAveragePool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The architectures clipstream can build, train and describe. */
public final class ModelZoo {
    public static final String SEED_CONV3D = "seed-conv3d";
    public static final String C3D = "c3d";
    public static final String C3D_SMALL = "c3d-small";
    public static final String C3D_SMALL_STREAM = "c3d-small-stream";
    public static final String FRAME2D = "frame2d";
    public static final String POSEC3D_SMALL = "posec3d-small";

    /** Each architecture's default input, used when none is given. */
    public static final Map<String, InputShape> DEFAULT_INPUT = Map.of(
            SEED_CONV3D, new InputShape(32, 64, 64, 3),
            C3D, new InputShape(16, 112, 112, 3),
            C3D_SMALL, new InputShape(32, 64, 64, 3),
            C3D_SMALL_STREAM, new InputShape(32, 64, 64, 3),
            FRAME2D, new InputShape(32, 64, 64, 3),
            POSEC3D_SMALL, new InputShape(32, 1, 17, 3));

    private ModelZoo() {
    }

    public static List<String> names() {
        return List.of(SEED_CONV3D, C3D, C3D_SMALL, C3D_SMALL_STREAM, FRAME2D, POSEC3D_SMALL);
    }

    public static Architecture architecture(String name, InputShape input, int classes) {
        return switch (name) {
            case SEED_CONV3D -> seedConv3d(input, classes);
            case C3D -> c3d(input, classes);
            case C3D_SMALL -> c3dSmall(input, classes);
            case C3D_SMALL_STREAM -> c3dSmallStream(input, classes);
            case FRAME2D -> frame2d(input, classes);
            case POSEC3D_SMALL -> posec3dSmall(input, classes);
            default -> throw new IllegalArgumentException("Unknown architecture '" + name + "'; known: " + names());
        };
    }

    /** The seed model: two valid 3×3×3 convolutions with 2×2×2 pooling and a 256-unit hidden layer. */
    static Architecture seedConv3d(InputShape input, int classes) {
        return new Architecture(SEED_CONV3D, "Conv3D(64)-pool-Conv3D(128)-pool-Dense(256)-Dense(K), valid padding",
                input, classes, List.of(
                        conv("conv1", 64, false), pool("pool1", 2, false),
                        conv("conv2", 128, false), pool("pool2", 2, false),
                        new Flatten("flatten"),
                        new Dense("fc1", 256, true),
                        new Dense("logits", classes, false)));
    }

    /** C3D (Tran et al. 2015): eight 3×3×3 convolutions, five poolings, two 4096 layers. */
    static Architecture c3d(InputShape input, int classes) {
        return new Architecture(C3D, "C3D (Tran et al. 2015)", input, classes, List.of(
                conv("conv1", 64, true), new MaxPool3D("pool1", 1, 2, 2, false),
                conv("conv2", 128, true), pool("pool2", 2, false),
                conv("conv3a", 256, true), conv("conv3b", 256, true), pool("pool3", 2, false),
                conv("conv4a", 512, true), conv("conv4b", 512, true), pool("pool4", 2, false),
                conv("conv5a", 512, true), conv("conv5b", 512, true), pool("pool5", 2, true),
                new Flatten("flatten"),
                new Dense("fc6", 4096, true), new Dropout("drop6", 0.5),
                new Dense("fc7", 4096, true), new Dropout("drop7", 0.5),
                new Dense("logits", classes, false)));
    }

    /**
     * The C3D family sized for a CPU (16-32-64-64 channels at 32×64×64): the default served model. Batch
     * normalisation and a global average pool before the classifier let it train from scratch in minutes (with a
     * flattened 4096-wide input to a ReLU layer, training sits at chance for hundreds of steps or dies).
     */
    static Architecture c3dSmall(InputShape input, int classes) {
        return new Architecture(C3D_SMALL, "C3D family for CPUs: 16-32-64-64 channels, 3x3x3 same convolutions with batch normalisation, global average pooling",
                input, classes, List.of(
                        normConv("conv1", 16), new MaxPool3D("pool1", 1, 2, 2, false),
                        normConv("conv2", 32), pool("pool2", 2, false),
                        normConv("conv3", 64), pool("pool3", 2, false),
                        normConv("conv4", 64), pool("pool4", 2, false),
                        new GlobalAveragePool("global_pool"),
                        new Dense("fc5", 128, true), new Dropout("drop5", 0.3),
                        new Dense("logits", classes, false)));
    }

    /**
     * {@code c3d-small} made streamable (after MoViNet's stream models, Kondratyuk et al. 2021): the same channels,
     * pooling and head, but every convolution causal (padded with two past frames, none from the future) and the
     * global pool a window over the clip. Its clip mode classifies 32-frame clips as {@code c3d-small} does; its
     * stream mode takes a chunk of any multiple of 8 new frames with each layer's last two input steps and the last
     * clip's features, so clips that overlap share their frames' work instead of computing them again.
     */
    static Architecture c3dSmallStream(InputShape input, int classes) {
        return new Architecture(C3D_SMALL_STREAM, "c3d-small with causal 3x3x3 convolutions (two past frames, no future)"
                + " and a window average over the clip: runs on whole clips or as a stream of chunks of 8k frames",
                input, classes, List.of(
                        new CausalConv3D("conv1", 16, 3, 3, 3, true), new MaxPool3D("pool1", 1, 2, 2, false),
                        new CausalConv3D("conv2", 32, 3, 3, 3, true), pool("pool2", 2, false),
                        new CausalConv3D("conv3", 64, 3, 3, 3, true), pool("pool3", 2, false),
                        new CausalConv3D("conv4", 64, 3, 3, 3, true), pool("pool4", 2, false),
                        new WindowAveragePool("global_pool", input.frames()),
                        new Dense("fc5", 128, true), new Dropout("drop5", 0.3),
                        new Dense("logits", classes, false)));
    }

    /** The single-frame 2-D baseline: c3d-small's stack with 1×3×3 kernels on the middle frame only. */
    static Architecture frame2d(InputShape input, int classes) {
        List<Layer> layers = new ArrayList<>(List.of(
                new MiddleFrame("middle_frame"),
                new Conv3D("conv1", 16, 1, 3, 3, true, true), new MaxPool3D("pool1", 1, 2, 2, false),
                new Conv3D("conv2", 32, 1, 3, 3, true, true), new MaxPool3D("pool2", 1, 2, 2, false),
                new Conv3D("conv3", 64, 1, 3, 3, true, true), new MaxPool3D("pool3", 1, 2, 2, false),
                new Conv3D("conv4", 64, 1, 3, 3, true, true), new MaxPool3D("pool4", 1, 2, 2, false),
                new GlobalAveragePool("global_pool"),
                new Dense("fc5", 128, true), new Dropout("drop5", 0.3),
                new Dense("logits", classes, false)));
        return new Architecture(FRAME2D, "Single-frame 2-D baseline (middle frame, 1x3x3 kernels)", input, classes, layers);
    }

    /** Heatmap size of {@code posec3d-small}: rows and columns of the person's clip box. */
    public static final int POSE_HEATMAP_SIZE = 32;
    /** Width of each joint's Gaussian in heatmap pixels. */
    public static final double POSE_HEATMAP_SIGMA = 1.0;
    /**
     * Joints scored at least this are drawn at full height, those below not at all (see {@link PoseHeatmaps}): the
     * keypoint score below which the clip box ignores a joint, {@code KeypointClips.BOX_SCORE}.
     */
    public static final double POSE_HEATMAP_MIN_SCORE = 0.2;

    /**
     * A PoseC3D-style network for CPUs (after Duan et al., "Revisiting Skeleton-based Action Recognition", CVPR
     * 2022): a person's keypoint clip is rendered in the graph as 17 joint heatmaps of 32×32 per frame, then a
     * slow-only Conv3D stack: two 1×3×3 stages (space only, full time resolution, as the slow pathway starts) and
     * two 3×3×3 stages (space-time), with batch normalisation, pooling time only once the kernels see time, and a
     * global average pool before the classifier.
     */
    static Architecture posec3dSmall(InputShape input, int classes) {
        return new Architecture(POSEC3D_SMALL, "PoseC3D-style slow-only Conv3D for CPUs: 17 joint heatmaps of "
                + POSE_HEATMAP_SIZE + "x" + POSE_HEATMAP_SIZE + " per frame rendered in the graph (joints scored at least "
                + POSE_HEATMAP_MIN_SCORE + " at full height, others left out), 1x3x3 stages of 16"
                + " and 32 channels, 3x3x3 stages of 64 and 128, batch normalisation, global average pooling",
                input, classes, List.of(
                        new PoseHeatmaps("heatmaps", input.width(), POSE_HEATMAP_SIZE, POSE_HEATMAP_SIZE,
                                POSE_HEATMAP_SIGMA, POSE_HEATMAP_MIN_SCORE),
                        new Conv3D("conv1", 16, 1, 3, 3, true, true), new MaxPool3D("pool1", 1, 2, 2, false),
                        new Conv3D("conv2", 32, 1, 3, 3, true, true), pool("pool2", 2, false),
                        normConv("conv3", 64), pool("pool3", 2, false),
                        normConv("conv4", 128),
                        new GlobalAveragePool("global_pool"),
                        new Dense("fc5", 128, true), new Dropout("drop5", 0.3),
                        new Dense("logits", classes, false)));
    }

    private static Conv3D conv(String name, int filters, boolean same) {
        return new Conv3D(name, filters, 3, 3, 3, same, false);
    }

    /** A same-padded 3×3×3 convolution with batch normalisation (trains from scratch without a long plateau). */
    private static Conv3D normConv(String name, int filters) {
        return new Conv3D(name, filters, 3, 3, 3, true, true);
    }

    private static MaxPool3D pool(String name, int size, boolean same) {
        return new MaxPool3D(name, size, size, size, same);
    }
}

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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An architecture with every layer's output shape, parameters, multiply-adds and variables worked out:
 * what {@code model describe} prints and what the graph builder and trainer allocate.
 */
public final class NetworkPlan {
    private final Architecture architecture;
    private final List<Step> steps;

    /** One layer with its output shape (without the batch), parameter count, multiply-adds and variables. */
    public record Step(Layer layer, long[] outputShape, long params, long macs, List<VariableSpec> variables) {
    }

    /**
     * A weight tensor: its name, shape, fan-in, and whether the optimiser trains it (batch normalisation's moving
     * statistics are updated by the training step instead).
     */
    public record VariableSpec(String name, long[] shape, long fanIn, boolean trainable) {
        public int size() {
            return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    /**
     * One tensor a stream network carries from one call to the next for each camera: {@code input} is fed (the last
     * call's {@code output}), shaped N × {@code shape}; zeros start a stream (what the clip mode's padding holds).
     */
    public record StreamState(String layer, String input, String output, long[] shape) {
        /** Floats per camera. */
        public int size() {
            return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private NetworkPlan(Architecture architecture, List<Step> steps) {
        this.architecture = architecture;
        this.steps = List.copyOf(steps);
    }

    public static NetworkPlan of(Architecture architecture) {
        InputShape in = architecture.input();
        long[] shape = architecture.keypointInput() ? new long[] {in.frames(), in.width(), in.channels()}
                : new long[] {in.frames(), in.height(), in.width(), in.channels()};
        List<Step> steps = new ArrayList<>();
        for (Layer layer : architecture.layers()) {
            Step step = plan(layer, shape, architecture.name());
            steps.add(step);
            shape = step.outputShape();
        }
        long[] last = steps.get(steps.size() - 1).outputShape();
        if (last.length != 1 || last[0] != architecture.classes()) {
            throw new IllegalArgumentException(architecture.name() + " must end in " + architecture.classes()
                    + " logits, ends in " + Arrays.toString(last));
        }
        return new NetworkPlan(architecture, steps);
    }

    private static Step plan(Layer layer, long[] in, String network) {
        if (layer instanceof PoseHeatmaps h) {
            requireRank(in, 3, layer, network);
            long[] out = {in[0], h.height(), h.width(), h.joints()};
            // one Gaussian product per heatmap value (the row and column factors are computed once per joint)
            return new Step(layer, out, 0, out[0] * out[1] * out[2] * out[3], List.of());
        }
        if (layer instanceof CausalConv3D c) {
            return conv(layer, in, network, c.name(), c.filters(), c.kernelT(), c.kernelH(), c.kernelW(), true,
                    c.batchNorm());
        }
        if (layer instanceof WindowAveragePool w) {
            requireRank(in, 4, layer, network);
            return new Step(layer, new long[] {in[3]}, 0, 0, List.of());
        }
        if (layer instanceof Conv3D c) {
            return conv(layer, in, network, c.name(), c.filters(), c.kernelT(), c.kernelH(), c.kernelW(), c.same(),
                    c.batchNorm());
        }
        return planOther(layer, in, network);
    }

    private static Step conv(Layer layer, long[] in, String network, String name, int filters, int kernelT,
                             int kernelH, int kernelW, boolean same, boolean batchNorm) {
        requireRank(in, 4, layer, network);
        {
            long[] out = {
                outSize(in[0], kernelT, same), outSize(in[1], kernelH, same),
                outSize(in[2], kernelW, same), filters};
            long fanIn = (long) kernelT * kernelH * kernelW * in[3];
            long macs = out[0] * out[1] * out[2] * out[3] * fanIn;
            VariableSpec kernel = new VariableSpec(name + "/kernel",
                    new long[] {kernelT, kernelH, kernelW, in[3], filters}, fanIn, true);
            long[] channels = {filters};
            List<VariableSpec> variables = batchNorm
                    ? List.of(kernel, new VariableSpec(name + "/gamma", channels, fanIn, true),
                            new VariableSpec(name + "/beta", channels, fanIn, true),
                            new VariableSpec(name + "/moving_mean", channels, fanIn, false),
                            new VariableSpec(name + "/moving_variance", channels, fanIn, false))
                    : List.of(kernel, new VariableSpec(name + "/bias", channels, fanIn, true));
            long params = variables.stream().mapToLong(VariableSpec::size).sum();
            return new Step(layer, out, params, macs, variables);
        }
    }

    private static Step planOther(Layer layer, long[] in, String network) {
        if (layer instanceof MaxPool3D p) {
            requireRank(in, 4, layer, network);
            long[] out = {
                poolSize(in[0], p.poolT(), p.same()), poolSize(in[1], p.poolH(), p.same()),
                poolSize(in[2], p.poolW(), p.same()), in[3]};
            return new Step(layer, out, 0, 0, List.of());
        }
        if (layer instanceof MiddleFrame) {
            requireRank(in, 4, layer, network);
            return new Step(layer, new long[] {1, in[1], in[2], in[3]}, 0, 0, List.of());
        }
        if (layer instanceof GlobalAveragePool) {
            requireRank(in, 4, layer, network);
            return new Step(layer, new long[] {in[3]}, 0, 0, List.of());
        }
        if (layer instanceof Flatten) {
            return new Step(layer, new long[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)}, 0, 0, List.of());
        }
        if (layer instanceof Dense d) {
            requireRank(in, 1, layer, network);
            long params = in[0] * d.units() + d.units();
            return new Step(layer, new long[] {d.units()}, params, in[0] * d.units(), List.of(
                    new VariableSpec(d.name() + "/kernel", new long[] {in[0], d.units()}, in[0], true),
                    new VariableSpec(d.name() + "/bias", new long[] {d.units()}, in[0], true)));
        }
        if (layer instanceof Dropout) {
            return new Step(layer, in.clone(), 0, 0, List.of());
        }
        throw new IllegalArgumentException("Unknown layer type " + layer);
    }

    private static long outSize(long in, int kernel, boolean same) {
        long out = same ? in : in - kernel + 1;
        if (out < 1) {
            throw new IllegalArgumentException("Input too small for a valid " + kernel + "-wide convolution: " + in);
        }
        return out;
    }

    private static long poolSize(long in, int pool, boolean same) {
        long out = same ? (in + pool - 1) / pool : in / pool;
        if (out < 1) {
            throw new IllegalArgumentException("Input too small for a " + pool + "-wide pooling: " + in);
        }
        return out;
    }

    private static void requireRank(long[] in, int rank, Layer layer, String network) {
        if (in.length != rank) {
            throw new IllegalArgumentException(network + ": layer " + layer.name() + " needs a rank-" + rank
                    + " input, gets " + Arrays.toString(in));
        }
    }

    public Architecture architecture() {
        return architecture;
    }

    public List<Step> steps() {
        return steps;
    }

    public List<VariableSpec> variables() {
        return steps.stream().flatMap(s -> s.variables().stream()).toList();
    }

    /**
     * Whether the network can run as a stream (a few new frames per call, {@link #streamStates()} carried between
     * calls): RGB input, causal convolutions and time-aligned max pooling up to one {@link WindowAveragePool} over the
     * whole clip, then only dense and dropout layers.
     */
    public boolean streamable() {
        return streamProblem() == null;
    }

    /** Why the network cannot stream, or null when it can. */
    public String streamProblem() {
        if (architecture.keypointInput()) {
            return "it takes keypoint clips";
        }
        boolean window = false;
        boolean causal = false;
        int multiple = 1;
        for (Layer layer : architecture.layers()) {
            if (window) {
                if (!(layer instanceof Dense || layer instanceof Dropout)) {
                    return "layer " + layer.name() + " follows the window pool (only dense and dropout may)";
                }
            } else if (layer instanceof CausalConv3D) {
                causal = true;
            } else if (layer instanceof MaxPool3D p) {
                if (p.poolT() > 1 && p.same()) {
                    return "pool " + p.name() + " keeps partial windows in time";
                }
                multiple *= p.poolT();
            } else if (layer instanceof WindowAveragePool w) {
                if (w.frames() != architecture.input().frames() || w.frames() % multiple != 0) {
                    return "window " + w.name() + " of " + w.frames() + " frames is not the clip of "
                            + architecture.input().frames() + " frames in steps of " + multiple;
                }
                window = true;
            } else {
                return "layer " + layer.name() + " (" + layer.getClass().getSimpleName() + ") cannot stream";
            }
        }
        if (!window || !causal) {
            return "it has no causal convolution and window pool";
        }
        return null;
    }

    /**
     * Frames one stream call must take a multiple of: the product of the temporal pooling before the window, so that
     * every chunk starts on a pooling boundary (chunks of 8, 16 or 32 frames for {@code c3d-small-stream}).
     */
    public int streamChunkMultiple() {
        requireStreamable();
        int multiple = 1;
        for (Layer layer : architecture.layers()) {
            if (layer instanceof WindowAveragePool) {
                break;
            }
            if (layer instanceof MaxPool3D p) {
                multiple *= p.poolT();
            }
        }
        return multiple;
    }

    /**
     * The tensors a stream carries per camera, in layer order: for each causal convolution with a temporal kernel k,
     * the last k − 1 time steps of its input; for the window pool, the per-step features of the last clip.
     */
    public List<StreamState> streamStates() {
        requireStreamable();
        int multiple = streamChunkMultiple();
        List<StreamState> states = new ArrayList<>();
        InputShape in = architecture.input();
        long[] shape = {in.frames(), in.height(), in.width(), in.channels()};
        for (Step step : steps) {
            Layer layer = step.layer();
            if (layer instanceof CausalConv3D c && c.kernelT() > 1) {
                states.add(new StreamState(c.name(), c.name() + "_state", c.name() + "_next_state",
                        new long[] {c.kernelT() - 1, shape[1], shape[2], shape[3]}));
            } else if (layer instanceof WindowAveragePool w) {
                states.add(new StreamState(w.name(), w.name() + "_state", w.name() + "_next_state",
                        new long[] {w.frames() / multiple, shape[3]}));
                break;
            }
            shape = step.outputShape();
        }
        return states;
    }

    private void requireStreamable() {
        String problem = streamProblem();
        if (problem != null) {
            throw new IllegalStateException(architecture.name() + " cannot stream: " + problem);
        }
    }

    public long totalParams() {
        return steps.stream().mapToLong(Step::params).sum();
    }

    public long totalMacs() {
        return steps.stream().mapToLong(Step::macs).sum();
    }

    /** The per-layer table {@code model describe} prints. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        Architecture a = architecture;
        out.append(String.format(Locale.ROOT, "%s — %s%ninput %s%s, %d classes%n%n", a.name(), a.description(), a.input(),
                a.keypointInput() ? " (a person's keypoint clip: frames x 1 x keypoints x (x, y, score), float32)" : "",
                a.classes()));
        // the type column as wide as the longest type name (WindowAveragePool, CausalConv3D), at least 12
        int typeWidth = Math.max(12, steps.stream().mapToInt(s -> s.layer().getClass().getSimpleName().length()).max()
                .orElse(0));
        String row = "%-14s %-" + typeWidth + "s %-22s %,14d %,18d%n";
        out.append(String.format(Locale.ROOT, "%-14s %-" + typeWidth + "s %-22s %14s %18s%n", "layer", "type",
                "output", "params", "multiply-adds"));
        for (Step s : steps) {
            out.append(String.format(Locale.ROOT, row, s.layer().name(), s.layer().getClass().getSimpleName(),
                    shape(s.outputShape()), s.params(), s.macs()));
        }
        out.append(String.format(Locale.ROOT, row, "total", "", "", totalParams(), totalMacs()));
        out.append(String.format(Locale.ROOT, "%n%.1f M parameters, %.2f G multiply-adds per clip (%.2f GFLOP)%n",
                totalParams() / 1e6, totalMacs() / 1e9, 2 * totalMacs() / 1e9));
        if (streamable()) {
            long floats = streamStates().stream().mapToLong(StreamState::size).sum();
            out.append(String.format(Locale.ROOT, "%nstream mode: chunks of a multiple of %d frames, each frame through"
                    + " the network once; state per camera %,d floats (%.0f KiB):", streamChunkMultiple(), floats,
                    floats * 4 / 1024.0));
            for (StreamState state : streamStates()) {
                out.append(" ").append(state.layer()).append(' ').append(shape(state.shape()));
            }
            out.append(String.format(Locale.ROOT, "%n"));
        }
        return out.toString();
    }

    private static String shape(long[] shape) {
        return String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
    }
}

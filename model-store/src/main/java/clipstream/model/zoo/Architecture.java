package clipstream.model.zoo;

import clipstream.model.store.InputShape;
import java.util.List;

/** A named network: an input shape, a number of classes and the layers in between. */
public record Architecture(String name, String description, InputShape input, int classes, List<Layer> layers) {

    public Architecture {
        if (classes < 2) {
            throw new IllegalArgumentException("A classifier needs at least 2 classes, got " + classes);
        }
        layers = List.copyOf(layers);
        long distinct = layers.stream().map(Layer::name).distinct().count();
        if (distinct != layers.size()) {
            throw new IllegalArgumentException("Layer names must be unique in " + name);
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i) instanceof Layer.PoseHeatmaps) {
                throw new IllegalArgumentException("PoseHeatmaps can only be the first layer of " + name);
            }
        }
        if (!layers.isEmpty() && layers.get(0) instanceof Layer.PoseHeatmaps h
                && (input.height() != 1 || input.width() != h.joints() || input.channels() != 3)) {
            throw new IllegalArgumentException(name + " takes keypoint clips T x 1 x " + h.joints()
                    + " x 3 (x, y, score per joint), got " + input);
        }
    }

    /**
     * The same layers (and so the same weights) over another input: a stream network's clip with frames before it
     * as context, when its window pool still averages over the original clip only.
     */
    public Architecture withInput(InputShape newInput) {
        return new Architecture(name, description, newInput, classes, layers);
    }

    /**
     * Whether the network takes keypoint clips (a person's joints per frame, rendered to heatmaps in the graph)
     * rather than RGB video: its input is then T × 1 × joints × 3, laid out {@code NTKC} in the manifest.
     */
    public boolean keypointInput() {
        return !layers.isEmpty() && layers.get(0) instanceof Layer.PoseHeatmaps;
    }
}

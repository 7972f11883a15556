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
    }
}

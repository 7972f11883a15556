package clipstream.ingest.cli;

import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The frame size the served model takes, read from its manifest through the model store (CURRENT version).
 * Ingest sends frames at that size by default so the job does not have to resize them.
 */
final class ModelInputSize {
    static final String DEFAULT_MODEL = "c3d-small";

    record Size(int width, int height, String origin) {
    }

    private ModelInputSize() {
    }

    /**
     * The input size of {@code name}'s CURRENT version in {@code store}; empty when the store does not hold that
     * model (the caller decides whether that is an error).
     */
    static Optional<Size> lookup(Path store, String name) {
        ModelStore models = new ModelStore(store);
        if (!models.names().contains(name) || models.current(name).isEmpty()) {
            return Optional.empty();
        }
        try {
            ModelStore.StoredModel model = models.describe(name, null);
            ModelManifest manifest = model.manifest();
            return Optional.of(new Size(manifest.width(), manifest.height(),
                    model.directory().resolve(ModelManifest.FILE_NAME).toString()));
        } catch (ModelStoreException e) {
            throw new IllegalArgumentException("Cannot read the input size of model '" + name + "': " + e.getMessage()
                    + " (give --size WxH)", e);
        }
    }
}

package clipstream.it.swap;

import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A temporary model store holding the committed default model as version 1, and more versions published from
 * its files (manifest edited, then sealed again with fresh checksums), as a new training run would publish them.
 */
record TestModels(ModelStore store, String name) {

    /** A store under {@code root} whose model {@code name} has version 1 (a copy of the committed CURRENT). */
    static TestModels copyOfCommitted(Path committedRoot, String name, Path root) throws IOException {
        ModelStore committed = new ModelStore(committedRoot);
        String version = committed.current(name).orElseThrow(() -> new IllegalStateException(
                "no committed CURRENT version of " + name + " in " + committedRoot.toAbsolutePath().normalize()));
        copyTree(committed.versionDirectory(name, version), new ModelStore(root).versionDirectory(name, "1"));
        TestModels models = new TestModels(new ModelStore(root), name);
        models.rewriteManifest("1", manifest -> manifest.put("version", "1"));
        models.store().setCurrent(name, "1");
        return models;
    }

    /** Publishes version 1's files as {@code version}, its manifest changed by {@code edit} (CURRENT unchanged). */
    void publishCopy(String version, Consumer<ObjectNode> edit) throws IOException {
        copyTree(store.versionDirectory(name, "1"), store.versionDirectory(name, version));
        rewriteManifest(version, manifest -> {
            manifest.put("version", version);
            edit.accept(manifest);
        });
    }

    private void rewriteManifest(String version, Consumer<ObjectNode> edit) throws IOException {
        Path dir = store.versionDirectory(name, version);
        Path file = dir.resolve("manifest.json");
        ObjectNode manifest = (ObjectNode) ModelStore.json().readTree(file.toFile());
        edit.accept(manifest);
        ModelStore.json().writeValue(file.toFile(), manifest);
        ModelStore.seal(dir, ModelStore.readManifest(file));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}

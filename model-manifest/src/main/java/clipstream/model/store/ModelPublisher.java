package clipstream.model.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Adds a new version to the store without ever exposing a half-written one: the files are written into a
 * staging folder next to the versions, sealed with their checksums, then renamed into place in one step.
 */
public final class ModelPublisher {
    private final ModelStore store;

    public ModelPublisher(ModelStore store) {
        this.store = store;
    }

    /**
     * Publishes {@code manifest} as the next version of its model: {@code writeFiles} fills the staging folder
     * (SavedModel, plots...), then the manifest with every file's SHA-256 is written and the folder moved in.
     */
    public ModelStore.StoredModel publish(ModelManifest manifest, Consumer<Path> writeFiles) {
        String name = ModelStore.validateName(manifest.name());
        Path modelDir = store.modelDirectory(name);
        try {
            Files.createDirectories(modelDir);
            Path staging = Files.createTempDirectory(modelDir, ".staging-");
            try {
                writeFiles.accept(staging);
                synchronized (ModelPublisher.class) {
                    String version = store.nextVersion(name);
                    ModelManifest sealed = ModelStore.seal(staging, manifest.withVersion(name, version));
                    Path target = store.versionDirectory(name, version);
                    makeReadable(staging);
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    return new ModelStore.StoredModel(target, sealed);
                }
            } finally {
                deleteRecursively(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish " + name + " into " + modelDir, e);
        }
    }

    /**
     * Temporary folders are created owner-only; a published model must be readable by the other users that
     * serve it (a Flink TaskManager, a container user), so folders get rwxr-xr-x and files rw-r--r--.
     */
    private static void makeReadable(Path folder) throws IOException {
        if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}

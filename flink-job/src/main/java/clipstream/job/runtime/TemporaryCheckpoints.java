package clipstream.job.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A checkpoint folder for an in-process run (the job on a local MiniCluster, the demo): created under the
 * system's temporary folder and removed, with everything in it, when the JVM exits or {@link #delete} is called.
 */
public final class TemporaryCheckpoints {

    private TemporaryCheckpoints() {
    }

    /** Creates the folder and registers its removal at JVM exit. */
    public static Path create() {
        try {
            Path folder = Files.createTempDirectory("clipstream-checkpoints-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(folder), "clipstream-checkpoints-cleanup"));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary checkpoint folder", e);
        }
    }

    /** Removes {@code folder} and everything in it; quietly does nothing when it is already gone. */
    public static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort at exit: a leftover temporary folder is harmless
        }
    }
}

package clipstream.model.runtime;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes DJL's TensorFlow engine run offline on the TF 2.16 natives shipped in the
 * {@code org.tensorflow:tensorflow-core-native} jar on the class path.
 *
 * <p>DJL's own native jars on Maven Central are CUDA builds that it refuses on a CPU-only machine (and then
 * tries to download). So the shared libraries are copied once out of the class path into a versioned cache
 * folder ({@code $CLIPSTREAM_CACHE}, else {@code ~/.cache/clipstream}), {@code TENSORFLOW_LIBRARY_PATH} points
 * DJL at it, and the engine is started before any {@code org.tensorflow} class loads. Several JVMs may start
 * together: each extracts into its own temporary folder and the first atomic rename wins.
 */
public final class TensorFlowNatives {
    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowNatives.class);
    private static final String NATIVES_VERSION = "tf-core-native-1.0.0";
    private static final List<String> PLATFORMS = List.of("linux-x86_64-gpu", "linux-x86_64");
    private static final List<String> LIBRARIES =
            List.of("libtensorflow_framework.so.2", "libtensorflow_cc.so.2", "libjnitensorflow.so");

    private static Engine engine;

    private TensorFlowNatives() {
    }

    /** Starts DJL's TensorFlow engine (once per JVM) and returns it. */
    public static synchronized Engine engine() {
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            if (System.getenv("TF_CPP_MIN_LOG_LEVEL") == null) {
                LOG.debug("TF_CPP_MIN_LOG_LEVEL is not set; TensorFlow may log to stderr");
            }
            if (System.getProperty("TENSORFLOW_LIBRARY_PATH") == null && System.getenv("TENSORFLOW_LIBRARY_PATH") == null) {
                System.setProperty("TENSORFLOW_LIBRARY_PATH", extract().toString());
            }
            engine = Engine.getEngine("TensorFlow");
            LOG.info("TensorFlow engine {} ready (natives from {})", engine.getVersion(),
                    System.getProperty("TENSORFLOW_LIBRARY_PATH", System.getenv("TENSORFLOW_LIBRARY_PATH")));
        }
        return engine;
    }

    /** Extracts the natives into the cache if they are not there yet; returns their folder. */
    static Path extract() {
        String platform = PLATFORMS.stream()
                .filter(p -> resource(p, "libjnitensorflow.so") != null)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No TensorFlow natives on the class path: add "
                        + "org.tensorflow:tensorflow-core-native:1.0.0 with classifier linux-x86_64 (or linux-x86_64-gpu)"));
        Path target = cacheRoot().resolve(NATIVES_VERSION + "-" + platform);
        if (Files.isRegularFile(target.resolve("libjnitensorflow.so"))) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), "extracting-");
            try {
                for (String library : LIBRARIES) {
                    try (InputStream in = TensorFlowNatives.class.getClassLoader().getResourceAsStream(path(platform, library))) {
                        if (in == null) {
                            throw new IllegalStateException("TensorFlow natives incomplete: " + path(platform, library));
                        }
                        Files.copy(in, staging.resolve(library));
                    }
                }
                LOG.info("Extracted TensorFlow natives to {}", target);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                LOG.debug("Another process extracted the natives first: {}", e.toString());
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve("libjnitensorflow.so"))) {
                    throw e;
                }
            } finally {
                deleteRecursively(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the TensorFlow natives to " + target
                    + " (set CLIPSTREAM_CACHE to a writable folder)", e);
        }
        return target;
    }

    private static Path cacheRoot() {
        String configured = System.getenv("CLIPSTREAM_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "clipstream");
    }

    private static String path(String platform, String library) {
        return "org/tensorflow/internal/c_api/" + platform + "/" + library;
    }

    private static java.net.URL resource(String platform, String library) {
        return TensorFlowNatives.class.getClassLoader().getResource(path(platform, library));
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Could not delete {}", folder, e);
        }
    }
}

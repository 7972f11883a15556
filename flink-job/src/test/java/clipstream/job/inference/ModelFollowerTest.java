package clipstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.SharedClassifiers;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model swap on the real committed default model: versions published into a temporary store while a
 * session serves, good ones taken, broken ones refused with the serving version kept.
 */
class ModelFollowerTest {
    private static final Path COMMITTED = Path.of("..", "model-store");
    private static final String NAME = "c3d-small";

    @TempDir
    Path root;
    private ModelStore store;
    private byte[] clip;

    @BeforeEach
    void storeWithVersionOne() throws IOException {
        String committed = new ModelStore(COMMITTED).current(NAME).orElseThrow();
        copyTree(new ModelStore(COMMITTED).versionDirectory(NAME, committed), root.resolve("models/" + NAME + "/1"));
        store = new ModelStore(root);
        rewriteManifest("1", manifest -> manifest.put("version", "1"));
        store.setCurrent(NAME, "1");
        var input = store.describe(NAME, "1").manifest().input().shape();
        clip = new byte[input.clipBytes()];
    }

    private ClassifierOptions options(String version) {
        return new ClassifierOptions(root, NAME, version, "cpu", 1, 1);
    }

    @Test
    void takesANewGoodVersionRefusesBrokenOnesAndRollsBack() throws Exception {
        try (ModelFollower session = new ModelFollower(options("1"), Duration.ofHours(1))) {
            assertThat(session.modelVersion()).isEqualTo("1");
            assertThat(session.followCurrent()).as("CURRENT is the serving version").isFalse();

            publishCopy("2", manifest -> { });
            store.setCurrent(NAME, "2");
            assertThat(session.followCurrent()).isTrue();
            assertThat(session.modelVersion()).isEqualTo("2");
            assertThat(session.classify(List.of(clip), 3)).hasSize(1);
            assertThat(SharedClassifiers.leases(options("1"))).as("the old version's lease is returned").isZero();

            // a file that does not match its checksum
            publishCopy("3", manifest -> { });
            Files.write(store.versionDirectory(NAME, "3").resolve("variables/variables.index"), new byte[] {1},
                    StandardOpenOption.APPEND);
            store.setCurrent(NAME, "3");
            assertThat(session.followCurrent()).isFalse();
            assertThat(session.modelVersion()).isEqualTo("2");
            assertThat(session.refusedVersion()).isEqualTo("3");
            assertThat(session.followCurrent()).as("a refused version is not retried").isFalse();
            assertThat(session.refusals()).isEqualTo(1);
            assertThat(SharedClassifiers.leases(options("3"))).isZero();

            // another clip shape than the running job assembles
            publishCopy("4", manifest -> ((ObjectNode) manifest.get("input")).put("frames", 16));
            store.setCurrent(NAME, "4");
            assertThat(session.followCurrent()).isFalse();
            assertThat(session.refusedVersion()).isEqualTo("4");

            // labels that do not match the network's outputs: the test clip fails
            publishCopy("5", manifest -> manifest.putArray("labels").add("a").add("b"));
            store.setCurrent(NAME, "5");
            assertThat(session.followCurrent()).isFalse();
            assertThat(session.refusedVersion()).isEqualTo("5");
            assertThat(SharedClassifiers.leases(options("5"))).isZero();

            // CURRENT naming a version that is not there
            Files.writeString(root.resolve("models/" + NAME + "/CURRENT"), "9\n", StandardCharsets.UTF_8);
            assertThat(session.followCurrent()).isFalse();
            assertThat(session.refusals()).isEqualTo(4);
            assertThat(session.modelVersion()).isEqualTo("2");
            assertThat(session.classify(List.of(clip, clip), 1)).hasSize(2);

            // rolling back is a switch like any other
            store.setCurrent(NAME, "1");
            assertThat(session.followCurrent()).isTrue();
            assertThat(session.modelVersion()).isEqualTo("1");
            assertThat(session.swaps()).isEqualTo(2);
            assertThat(SharedClassifiers.leases(options("2"))).isZero();
        }
        assertThat(SharedClassifiers.leases(options("1"))).as("closing returns the last lease").isZero();
    }

    @Test
    void aRestartAfterThePinnedVersionWasRemovedStartsFromCurrentWhenFollowing() throws Exception {
        publishCopy("2", manifest -> { });
        store.setCurrent(NAME, "2");
        deleteTree(store.versionDirectory(NAME, "1"));

        try (ModelFollower session = new ModelFollower(options("1"), Duration.ofHours(1))) {
            assertThat(session.modelVersion()).isEqualTo("2");
            assertThat(session.classify(List.of(clip), 3)).hasSize(1);
        }
        assertThatThrownBy(() -> new ModelFollower(options("1"), Duration.ZERO))
                .as("a pinned job (no watch) keeps needing its version").isInstanceOf(RuntimeException.class);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void classifyingChecksCurrentOnlyWhenTheWatchIntervalHasPassed() throws Exception {
        publishCopy("2", manifest -> { });
        try (ModelFollower session = new ModelFollower(options("1"), Duration.ofHours(1))) {
            session.classify(List.of(clip), 1);
            assertThat(session.modelVersion()).as("nothing new at the first check").isEqualTo("1");
            store.setCurrent(NAME, "2");
            session.classify(List.of(clip), 1);
            assertThat(session.modelVersion()).as("the next check is an hour away").isEqualTo("1");
        }
        try (ModelFollower session = new ModelFollower(options("1"), Duration.ofNanos(1))) {
            session.classify(List.of(clip), 1);
            assertThat(session.modelVersion()).as("a due check starts loading; this batch is not held up")
                    .isEqualTo("1");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!session.modelVersion().equals("2") && System.nanoTime() < deadline) {
                session.classify(List.of(clip), 1);
            }
            assertThat(session.modelVersion()).as("a batch after the load switches").isEqualTo("2");
        }
        try (ModelFollower pinned = new ModelFollower(options("1"), Duration.ZERO)) {
            pinned.classify(List.of(clip), 1);
            assertThat(pinned.modelVersion()).as("no watch: the version is fixed").isEqualTo("1");
        }
    }

    /** Publishes version 1's files as {@code version}, its manifest edited by {@code edit} and sealed again. */
    private void publishCopy(String version, Consumer<ObjectNode> edit) throws IOException {
        copyTree(store.versionDirectory(NAME, "1"), store.versionDirectory(NAME, version));
        rewriteManifest(version, manifest -> {
            manifest.put("version", version);
            edit.accept(manifest);
        });
    }

    private void rewriteManifest(String version, Consumer<ObjectNode> edit) throws IOException {
        Path dir = store.versionDirectory(NAME, version);
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

package clipstream.model.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.model.store.InputShape;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir
    Path root;

    private ModelStore.StoredModel publish(ModelStore store, String name) {
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, name, "0", "c3d-small", "test",
                ModelManifest.Input.uint8(new InputShape(4, 8, 8, 3)), List.of("a", "b"),
                new ModelManifest.NormalizationSpec(new float[] {1, 2, 3}, new float[] {4, 5, 6}, true),
                new ModelManifest.SignatureSpec("serving_default", "clips", "probabilities", true), 10, 20,
                "2026-11-28T00:00:00Z", JsonNodeFactory.instance.objectNode(),
                JsonNodeFactory.instance.objectNode().put("accuracy", 0.5), null);
        return new ModelPublisher(store).publish(manifest, dir -> {
            try {
                Files.writeString(dir.resolve("saved_model.pb"), "graph", StandardCharsets.UTF_8);
                Files.createDirectories(dir.resolve("variables"));
                Files.writeString(dir.resolve("variables/variables.index"), "index", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void publishedVersionsAreNumberedSealedAndListed() throws IOException {
        ModelStore store = new ModelStore(root);

        ModelStore.StoredModel first = publish(store, "c3d-small");
        ModelStore.StoredModel second = publish(store, "c3d-small");

        assertThat(first.manifest().version()).isEqualTo("1");
        assertThat(second.manifest().version()).isEqualTo("2");
        assertThat(store.versions("c3d-small")).containsExactly("1", "2");
        assertThat(first.manifest().files()).containsOnlyKeys("saved_model.pb", "variables/variables.index");
        assertThat(store.verify(store.describe("c3d-small", "2"))).isEmpty();
        assertThat(store.describe("c3d-small", "1").manifest().accuracy()).isEqualTo(0.5);
        // served by other users (a TaskManager, a container user): readable by all, writable by the owner
        assertThat(java.nio.file.Files.getPosixFilePermissions(first.directory()))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(first.directory().resolve("saved_model.pb")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void anActionManifestHasNoKindAndAPoseManifestKeepsItsSpecAndSource() throws IOException {
        ModelStore store = new ModelStore(root);
        ModelStore.StoredModel action = publish(store, "c3d-small");
        assertThat(action.manifest().isPose()).isFalse();
        assertThat(Files.readString(action.directory().resolve(ModelManifest.FILE_NAME))).doesNotContain("\"kind\"");

        ModelManifest pose = new ModelManifest(ModelManifest.FORMAT, "pose", "0", "movenet-multipose", "test",
                new ModelManifest.Input(1, 256, 256, 3, "NHWC", "int32"), List.of(),
                new ModelManifest.NormalizationSpec(new float[] {0, 0, 0}, new float[] {1, 1, 1}, true),
                new ModelManifest.SignatureSpec("serving_default", "input", "output_0", false), 4, 0,
                "2026-12-04T00:00:00Z", null, null, null, ModelManifest.KIND_POSE,
                new ModelManifest.PoseSpec(List.of("nose", "left_eye"), List.of(List.of(0, 1)), 6, "movenet-multipose",
                        "0-1"),
                JsonNodeFactory.instance.objectNode().put("package", "p@1"));
        ModelStore.StoredModel stored = new ModelPublisher(store).publish(pose, dir -> {
            try {
                Files.writeString(dir.resolve("saved_model.pb"), "graph", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        ModelManifest read = store.describe("pose", stored.manifest().version()).manifest();
        assertThat(read.isPose()).isTrue();
        assertThat(read.pose()).isEqualTo(pose.pose());
        assertThat(read.source().path("package").asText()).isEqualTo("p@1");
    }

    @Test
    void currentNamesTheServedVersion() {
        ModelStore store = new ModelStore(root);
        publish(store, "m");
        publish(store, "m");

        assertThatThrownBy(() -> store.describe("m", null)).hasMessageContaining("no CURRENT");
        store.setCurrent("m", "2");

        assertThat(store.current("m")).contains("2");
        assertThat(store.load("m", null).manifest().version()).isEqualTo("2");
        assertThatThrownBy(() -> store.setCurrent("m", "7")).hasMessageContaining("holds no manifest.json");
    }

    @Test
    void aTamperedFileIsRefusedByName() throws IOException {
        ModelStore store = new ModelStore(root);
        ModelStore.StoredModel model = publish(store, "m");
        Files.writeString(model.directory().resolve("variables/variables.index"), "evil", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> store.load("m", "1"))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("variables.index");
    }

    @Test
    void anIncompleteModelIsRefusedByName() throws IOException {
        ModelStore store = new ModelStore(root);
        ModelStore.StoredModel model = publish(store, "m");
        Files.delete(model.directory().resolve("saved_model.pb"));
        Files.writeString(model.directory().resolve("extra.bin"), "x", StandardCharsets.UTF_8);

        assertThat(store.verify(store.describe("m", "1")))
                .anySatisfy(p -> assertThat(p).contains("missing file").contains("saved_model.pb"))
                .anySatisfy(p -> assertThat(p).contains("unexpected file").contains("extra.bin"));
        Files.delete(model.directory().resolve(ModelManifest.FILE_NAME));
        assertThatThrownBy(() -> store.describe("m", "1")).hasMessageContaining("manifest.json is missing");
    }

    @Test
    void aManifestOfAnotherModelIsAMismatch() throws IOException {
        ModelStore store = new ModelStore(root);
        ModelStore.StoredModel model = publish(store, "m");
        Path copy = store.versionDirectory("m", "9");
        Files.createDirectories(copy);
        Files.copy(model.directory().resolve(ModelManifest.FILE_NAME), copy.resolve(ModelManifest.FILE_NAME));

        assertThatThrownBy(() -> store.describe("m", "9")).hasMessageContaining("Mismatched model");
    }

    @Test
    void namesAndVersionsCannotEscapeTheStore() {
        ModelStore store = new ModelStore(root);

        for (String bad : List.of("../etc", "a/b", "", "..", "UPPER", "/abs")) {
            assertThatThrownBy(() -> store.modelDirectory(bad)).as(bad).isInstanceOf(ModelStoreException.class)
                    .hasMessageContaining("Invalid model name");
        }
        assertThatThrownBy(() -> store.versionDirectory("m", "../1")).hasMessageContaining("Invalid model version");
    }
}

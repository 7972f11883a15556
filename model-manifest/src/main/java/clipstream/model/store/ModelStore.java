package clipstream.model.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned model store: {@code <root>/models/<name>/<version>/} holds a SavedModel and its
 * {@code manifest.json}; {@code <root>/models/<name>/CURRENT} names the version served by default.
 * Every file of a version is checksummed in its manifest, and {@link #verify} / {@link #load} refuse a
 * tampered, incomplete or mismatched model with a message naming the file.
 */
public final class ModelStore {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path root;

    public ModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** A stored model version: where it is and what its manifest says. */
    public record StoredModel(Path directory, ModelManifest manifest) {
    }

    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new ModelStoreException("Invalid model name '" + name + "': use 1-64 of a-z 0-9 . _ - "
                    + "starting with a letter or digit (no paths)");
        }
        return name;
    }

    public static String validateVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches() || version.contains("..")) {
            throw new ModelStoreException("Invalid model version '" + version + "': use 1-64 of A-Z a-z 0-9 . _ - "
                    + "starting with a letter or digit (no paths)");
        }
        return version;
    }

    public Path modelDirectory(String name) {
        return root.resolve("models").resolve(validateName(name));
    }

    public Path versionDirectory(String name, String version) {
        return modelDirectory(name).resolve(validateVersion(version));
    }

    /** Names of all stored models, sorted. */
    public List<String> names() {
        Path models = root.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(models)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> NAME.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + models, e);
        }
    }

    /** Versions of {@code name} that have a manifest, oldest first (numeric versions in numeric order). */
    public List<String> versions(String name) {
        Path dir = modelDirectory(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> Files.isRegularFile(p.resolve(ModelManifest.FILE_NAME)))
                    .map(p -> p.getFileName().toString())
                    .sorted(ModelStore::compareVersions).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    static int compareVersions(String a, String b) {
        boolean numericA = a.chars().allMatch(Character::isDigit);
        boolean numericB = b.chars().allMatch(Character::isDigit);
        if (numericA && numericB) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return numericA ? -1 : numericB ? 1 : a.compareTo(b);
    }

    /** The next free numeric version of {@code name} ("1" for a new model). */
    public String nextVersion(String name) {
        long max = versions(name).stream().filter(v -> v.chars().allMatch(Character::isDigit))
                .mapToLong(Long::parseLong).max().orElse(0);
        return Long.toString(max + 1);
    }

    /** The version named in {@code CURRENT}. */
    public Optional<String> current(String name) {
        Path file = modelDirectory(name).resolve("CURRENT");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(validateVersion(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Makes {@code version} the one served by default; the switch is one atomic rename. */
    public void setCurrent(String name, String version) {
        Path dir = versionDirectory(name, version);
        if (!Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME))) {
            throw new ModelStoreException("Cannot make " + name + " version " + version + " current: " + dir
                    + " holds no manifest.json");
        }
        Path current = modelDirectory(name).resolve("CURRENT");
        try {
            Path temp = Files.createTempFile(current.getParent(), "CURRENT", ".tmp");
            Files.writeString(temp, version + "\n", StandardCharsets.UTF_8);
            if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(temp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + current, e);
        }
    }

    /** Resolves {@code version} (null: CURRENT) of {@code name} and reads its manifest, without checking files. */
    public StoredModel describe(String name, String version) {
        String resolved = version != null ? version : current(name).orElseThrow(() -> new ModelStoreException(
                "Model '" + name + "' has no CURRENT version in " + modelDirectory(name)
                        + (names().isEmpty() ? " (the store is empty; train one with ./clipstream model train)"
                        : " (stored models: " + names() + ")")));
        Path dir = versionDirectory(name, resolved);
        Path manifestFile = dir.resolve(ModelManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelStoreException("Model " + name + " version " + resolved + " is incomplete: " + manifestFile
                    + " is missing" + (versions(name).isEmpty() ? "" : " (versions: " + versions(name) + ")"));
        }
        ModelManifest manifest = readManifest(manifestFile);
        if (!name.equals(manifest.name()) || !resolved.equals(manifest.version())) {
            throw new ModelStoreException("Mismatched model: " + manifestFile + " describes " + manifest.name() + " version "
                    + manifest.version() + ", but is stored as " + name + " version " + resolved);
        }
        return new StoredModel(dir, manifest);
    }

    /** {@link #describe} plus {@link #verify}: the model that is safe to load, or an exception naming the problem. */
    public StoredModel load(String name, String version) {
        StoredModel model = describe(name, version);
        List<String> problems = verify(model);
        if (!problems.isEmpty()) {
            throw new ModelStoreException("Refusing to load " + name + " version " + model.manifest().version() + ": "
                    + String.join("; ", problems));
        }
        return model;
    }

    /** Every mismatch between the files of {@code model} and the checksums of its manifest (empty: all good). */
    public List<String> verify(StoredModel model) {
        List<String> problems = new ArrayList<>();
        ModelManifest manifest = model.manifest();
        if (manifest.format() != ModelManifest.FORMAT) {
            problems.add("manifest format " + manifest.format() + " is not " + ModelManifest.FORMAT);
        }
        if (manifest.files() == null || manifest.files().isEmpty()) {
            problems.add(model.directory().resolve(ModelManifest.FILE_NAME) + " lists no files");
            return problems;
        }
        if (!manifest.files().containsKey("saved_model.pb")) {
            problems.add("manifest does not list saved_model.pb");
        }
        SortedMap<String, String> actual = checksums(model.directory());
        for (Map.Entry<String, String> expected : manifest.files().entrySet()) {
            Path file = model.directory().resolve(expected.getKey()).normalize();
            if (!file.startsWith(model.directory())) {
                problems.add("manifest lists a file outside the model folder: " + expected.getKey());
            } else if (!actual.containsKey(expected.getKey())) {
                problems.add("missing file " + file);
            } else if (!actual.get(expected.getKey()).equals(expected.getValue())) {
                problems.add("checksum mismatch for " + file + " (tampered or corrupted)");
            }
        }
        for (String extra : actual.keySet()) {
            if (!manifest.files().containsKey(extra)) {
                problems.add("unexpected file " + model.directory().resolve(extra) + " (not in the manifest)");
            }
        }
        return problems;
    }

    /** SHA-256 of every file under {@code directory} except the manifest, by relative path with '/' separators. */
    public static SortedMap<String, String> checksums(Path directory) {
        SortedMap<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String relative = directory.relativize(file).toString().replace('\\', '/');
                if (!relative.equals(ModelManifest.FILE_NAME)) {
                    sums.put(relative, sha256(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + directory, e);
        }
        return sums;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static ModelManifest readManifest(Path file) {
        try {
            return JSON.readValue(file.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelStoreException("Unreadable manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the manifest of a version folder, with the checksums of every file now in it. */
    public static ModelManifest seal(Path directory, ModelManifest manifest) {
        ModelManifest sealed = manifest.withFiles(checksums(directory));
        try {
            JSON.writeValue(directory.resolve(ModelManifest.FILE_NAME).toFile(), sealed);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the manifest in " + directory, e);
        }
        return sealed;
    }

    public static ObjectMapper json() {
        return JSON;
    }
}

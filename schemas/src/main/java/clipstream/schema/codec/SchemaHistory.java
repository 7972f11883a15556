package clipstream.schema.codec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The earlier versions of our schemas that readers must still understand.
 *
 * <p>They live as {@code .avsc} files under {@code clipstream/schema/history/} on the class path, listed
 * in that folder's {@code index.txt} (class-path folders cannot be listed from inside a jar). When a
 * schema in {@code src/main/avro} changes, its previous text is copied there first.
 */
public final class SchemaHistory {
    static final String FOLDER = "clipstream/schema/history/";

    private SchemaHistory() {
    }

    /** Every historical schema listed in the index, parsed. */
    public static List<Schema> load() {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> schemas = new ArrayList<>();
        for (String file : indexEntries(loader)) {
            try (InputStream in = loader.getResourceAsStream(FOLDER + file)) {
                if (in == null) {
                    throw new IllegalStateException("Schema history index names " + FOLDER + file
                            + " but no such resource exists; fix " + FOLDER + "index.txt");
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history file " + FOLDER + file, e);
            }
        }
        return List.copyOf(schemas);
    }

    static List<String> indexEntries(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(FOLDER + "index.txt")) {
            if (in == null) {
                return List.of();
            }
            List<String> entries = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    entries.add(entry);
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + FOLDER + "index.txt", e);
        }
    }
}

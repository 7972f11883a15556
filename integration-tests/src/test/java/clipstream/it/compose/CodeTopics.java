package clipstream.it.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Kafka topic names the code uses by default, read from the main sources of every module: picocli options
 * named {@code --…topic} with a {@code defaultValue}, and {@code DEFAULT_…TOPIC} string constants.
 */
final class CodeTopics {
    private static final Pattern OPTION_DEFAULT =
            Pattern.compile("names\\s*=\\s*\"(--[a-z-]*topic)\"\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONSTANT =
            Pattern.compile("static\\s+final\\s+String\\s+(DEFAULT_\\w*TOPIC)\\s*=\\s*\"([^\"]+)\"");

    private CodeTopics() {
    }

    /** Topic name by where it was found ({@code SourceFile --flag} or {@code SourceFile.CONSTANT}). */
    static Map<String, String> defaults(Path repositoryRoot) throws IOException {
        Map<String, String> topics = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repositoryRoot)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .forEach(f -> collect(f, topics));
        }
        return topics;
    }

    private static void collect(Path file, Map<String, String> topics) {
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String where = file.getFileName().toString().replace(".java", "");
        Matcher option = OPTION_DEFAULT.matcher(source);
        while (option.find()) {
            topics.put(where + " " + option.group(1), option.group(2));
        }
        Matcher constant = CONSTANT.matcher(source);
        while (constant.find()) {
            topics.put(where + "." + constant.group(1), constant.group(2));
        }
    }
}

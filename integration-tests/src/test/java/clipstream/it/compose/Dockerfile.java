package clipstream.it.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A Dockerfile as the compose test reads it: the base images of its stages and its {@code COPY}/{@code ADD}
 * instructions (sources from the build context, or from another stage with {@code --from}).
 */
record Dockerfile(List<String> baseImages, List<Copy> copies) {

    /** One COPY or ADD: its sources, its destination, and the stage it copies from (null: the build context). */
    record Copy(List<String> sources, String destination, String fromStage) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<String> baseImages = new ArrayList<>();
        List<Copy> copies = new ArrayList<>();
        Set<String> stages = new HashSet<>();
        for (String instruction : instructions(Files.readAllLines(file))) {
            List<String> words = List.of(instruction.trim().split("\\s+"));
            String keyword = words.get(0).toUpperCase(Locale.ROOT);
            List<String> args = words.subList(1, words.size()).stream().filter(w -> !w.startsWith("--platform")).toList();
            if (keyword.equals("FROM")) {
                if (!stages.contains(args.get(0))) {
                    baseImages.add(args.get(0));
                }
                if (args.size() == 3 && args.get(1).equalsIgnoreCase("AS")) {
                    stages.add(args.get(2));
                }
            } else if (keyword.equals("COPY") || keyword.equals("ADD")) {
                String from = args.stream().filter(a -> a.startsWith("--from=")).map(a -> a.substring(7)).findFirst()
                        .orElse(null);
                List<String> paths = args.stream().filter(a -> !a.startsWith("--")).toList();
                copies.add(new Copy(paths.subList(0, paths.size() - 1), paths.get(paths.size() - 1), from));
            }
        }
        return new Dockerfile(baseImages, copies);
    }

    /** Instructions with continuation lines joined and comments dropped. */
    private static List<String> instructions(List<String> lines) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                instructions.add(current.toString().trim());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            instructions.add(current.toString().trim());
        }
        return instructions;
    }
}

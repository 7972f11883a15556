package clipstream.alerts.rules;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which cameras a rule watches: all of them, or those whose id matches one of a list of globs ({@code *}, {@code ?}).
 * The globs are compiled once, into one pattern, when the selector is made: {@link #matches} runs for every event.
 */
public final class CameraSelector {

    private static final CameraSelector ALL = new CameraSelector(List.of());

    private final List<String> globs;
    /** Any of the globs; null when every camera matches. */
    private final Pattern pattern;

    public CameraSelector(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.pattern = this.globs.isEmpty() ? null : Pattern.compile(this.globs.stream()
                .map(CameraSelector::globToRegex).collect(Collectors.joining("|")));
    }

    /** Every camera. */
    public static CameraSelector all() {
        return ALL;
    }

    /** Cameras whose id matches one of {@code globs}. */
    public static CameraSelector of(List<String> globs) {
        if (globs.isEmpty()) {
            throw new IllegalArgumentException("a camera list needs at least one id or glob");
        }
        return new CameraSelector(globs);
    }

    public List<String> globs() {
        return globs;
    }

    public boolean matchesAll() {
        return pattern == null;
    }

    public boolean matches(String cameraId) {
        return pattern == null || pattern.matcher(cameraId).matches();
    }

    private static String globToRegex(String glob) {
        return glob.chars().mapToObj(c -> switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(Character.toString(c));
        }).collect(Collectors.joining("", "(?:", ")"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CameraSelector other && globs.equals(other.globs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(globs);
    }

    @Override
    public String toString() {
        return matchesAll() ? "all" : globs.toString();
    }
}

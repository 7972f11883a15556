package clipstream.alerts.rules;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Which cameras a rule watches: all of them, or those whose id matches one of a list of globs ({@code *}, {@code ?}). */
public record CameraSelector(List<String> globs) {

    private static final CameraSelector ALL = new CameraSelector(List.of());

    public CameraSelector {
        globs = List.copyOf(globs);
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

    public boolean matchesAll() {
        return globs.isEmpty();
    }

    public boolean matches(String cameraId) {
        return matchesAll() || globs.stream().anyMatch(glob -> globToRegex(glob).matcher(cameraId).matches());
    }

    private static Pattern globToRegex(String glob) {
        String regex = glob.chars().mapToObj(c -> switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(Character.toString(c));
        }).collect(Collectors.joining());
        return Pattern.compile(regex);
    }

    @Override
    public String toString() {
        return matchesAll() ? "all" : globs.toString();
    }
}

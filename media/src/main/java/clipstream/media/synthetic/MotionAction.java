package clipstream.media.synthetic;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The classes of the motion-actions dataset: each is a motion, so no single frame tells them apart. */
public enum MotionAction {
    STILL, LEFT, RIGHT, UP, DOWN, APPROACH, RECEDE, ROTATE_CW, ROTATE_CCW, BLINK;

    /** The label as written in manifests and events, e.g. {@code rotate_cw}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(MotionAction::label).toList();
    }

    /** Parses a label such as {@code rotate_cw} (case-insensitive, '-' allowed for '_'). */
    public static MotionAction fromLabel(String label) {
        String normalised = label.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown motion action '" + label + "'; known: " + labels(), e);
        }
    }
}

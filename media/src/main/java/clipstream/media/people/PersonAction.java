package clipstream.media.people;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The actions a pose-based action model learns to tell apart, each a motion of one person over a clip. */
public enum PersonAction {
    STAND, WALK, RUN, SIT_DOWN, STAND_UP, FALL, JUMP, WAVE, BEND, CROUCH, KICK, PUNCH;

    /** The label as written in manifests and events, e.g. {@code sit_down}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(PersonAction::label).toList();
    }

    /** Parses a label such as {@code sit_down} (case-insensitive, '-' allowed for '_'). */
    public static PersonAction fromLabel(String label) {
        String normalised = label.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown person action '" + label + "'; known: " + labels(), e);
        }
    }
}

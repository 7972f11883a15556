package clipstream.job.config;

import java.util.Locale;

/**
 * Where the people path's poses come from: the job's own pose model run on frames, or {@code PersonPoses} records
 * that edge devices (cameras, edge boxes running pose estimation themselves) publish. Either way they go through
 * the same per-camera tracking to the same tracked poses.
 */
public enum PeopleInput {
    /** The job runs the pose model on the frames topic's frames ({@code --pose-model}). */
    FRAMES,
    /** The job reads edge devices' poses from {@code --edge-poses-topic} and runs no pose model. */
    EDGE;

    /** Parses {@code --people-input}: {@code frames} or {@code edge}, any case. */
    public static PeopleInput parse(String value) {
        String choice = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        for (PeopleInput input : values()) {
            if (input.name().equals(choice)) {
                return input;
            }
        }
        throw new ConfigException("--people-input must be frames or edge, got '" + value + "'");
    }

    /** The flag's spelling of this input. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}

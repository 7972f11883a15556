package clipstream.job.people;

import java.io.Serializable;
import java.util.List;

/** A camera's tracking state between its posed frames: its tracks and the id the next new track gets. */
public record CameraTracks(List<Track> tracks, long nextId) implements Serializable {
    public static final CameraTracks NONE = new CameraTracks(List.of(), 1);
}

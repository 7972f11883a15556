package clipstream.job.people;

import java.io.Serializable;
import java.util.List;

/**
 * A camera's tracking state between its posed frames: its tracks, the id the next new track gets, the frame size
 * the tracks' boxes are in (a camera that changes resolution starts its tracks over: the old boxes mean nothing in
 * the new frame), and the seq of the last frame tracked (-1 before the first), which the next must be above.
 */
public record CameraTracks(List<Track> tracks, long nextId, int width, int height, long lastSeq)
        implements Serializable {
    public static final CameraTracks NONE = new CameraTracks(List.of(), 1, 0, 0, -1);

    /** These tracks for a frame of {@code frameWidth} × {@code frameHeight}: kept, or none if the size changed. */
    public CameraTracks forFrame(int frameWidth, int frameHeight) {
        if (tracks.isEmpty() || frameWidth == width && frameHeight == height) {
            return this;
        }
        return new CameraTracks(List.of(), nextId, frameWidth, frameHeight, lastSeq);
    }

    public boolean sizeChangedFor(int frameWidth, int frameHeight) {
        return !tracks.isEmpty() && (frameWidth != width || frameHeight != height);
    }
}

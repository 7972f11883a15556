package clipstream.job.records;

import java.util.Objects;

/**
 * A run of consecutive frames of one camera, ready for the model: {@code pixels} holds
 * frames×height×width×3 bytes, uint8 RGB, laid out [t][y][x][c] as the classifier expects.
 * {@code completedAt} is the processing time at which the clip was assembled (its last frame placed), so the
 * inference operator can tell the time a clip waited for its frames from the time it waited for its batch.
 *
 * <p>A person's clip (for a pose-based people model) has {@code person} set: then {@code pixels} holds that person's
 * keypoint clip as the model takes it (little-endian float32 frames × keypoints × (x, y, score), normalised to the
 * person's clip box), {@code firstSeq}/{@code lastSeq} are the seqs of its first and last pose frames and
 * {@code framesFilled} counts the pose frames the tracker did not find the person in. Otherwise {@code person} is
 * null.
 */
public record Clip(String cameraId, long firstSeq, long lastSeq, long startTime, long endTime, int framesFilled,
                   byte[] pixels, long completedAt, PersonRef person) {

    /** A whole-frame clip assembled at {@code completedAt}. */
    public Clip(String cameraId, long firstSeq, long lastSeq, long startTime, long endTime, int framesFilled,
                byte[] pixels, long completedAt) {
        this(cameraId, firstSeq, lastSeq, startTime, endTime, framesFilled, pixels, completedAt, null);
    }

    /** A clip whose assembly time is not known (tests, replays): it counts as completed at its last capture time. */
    public Clip(String cameraId, long firstSeq, long lastSeq, long startTime, long endTime, int framesFilled,
                byte[] pixels) {
        this(cameraId, firstSeq, lastSeq, startTime, endTime, framesFilled, pixels, endTime);
    }

    /** Frames of a whole-frame clip (for a person's clip: the seqs its pose frames span). */
    public int frames() {
        return (int) (lastSeq - firstSeq + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Clip other && firstSeq == other.firstSeq && lastSeq == other.lastSeq
                && startTime == other.startTime && endTime == other.endTime && framesFilled == other.framesFilled
                && completedAt == other.completedAt && Objects.equals(person, other.person)
                && Objects.equals(cameraId, other.cameraId) && java.util.Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, firstSeq, lastSeq);
    }

    @Override
    public String toString() {
        return "Clip[" + cameraId + (person != null ? " track " + person.trackId() : "") + " #" + firstSeq + "..#"
                + lastSeq + ", filled " + framesFilled + "]";
    }
}

package clipstream.dashboard.board;

import clipstream.schema.DeadLetterReason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the board knows of one camera; mutable, guarded by the board. */
final class CameraActivity {
    private static final int RATE_SECONDS = 5;
    /** A seq this far behind the last one is the camera starting over, not a late frame. */
    private static final long SEQ_RESTART = 1000;

    final String id;
    final RateWindow frames = new RateWindow(RATE_SECONDS);
    final RateWindow poses = new RateWindow(RATE_SECONDS);
    final Map<DeadLetterReason, Long> deadLetters = new EnumMap<>(DeadLetterReason.class);
    /** The latest event of each person, the most recently updated last; bounded by the board's limits. */
    final LinkedHashMap<Long, EventView> personEvents = new LinkedHashMap<>(16, 0.75f, true);
    /** Frames partition of the camera (for the job's lag), -1 until a frame is seen. */
    int partition = -1;
    long lastFrame = -1;
    long lastPoses = -1;
    long lastSeq = -1;
    long dropped;
    long nextThumbnailAt;
    long nextPosesAt;
    Thumbnail thumbnail;
    long thumbnailVersion;
    EventView event;
    PoseFigure.Frame people;
    long jobLag = -1;
    /** The board's version when something sent with the tile last changed. */
    long changedAt;

    CameraActivity(String id) {
        this.id = id;
    }

    long lastInput() {
        return Math.max(lastFrame, lastPoses);
    }

    /** Counts the frames skipped before {@code seq} (a gap in the camera's seq). */
    void countSeq(long seq) {
        if (lastSeq >= 0 && seq > lastSeq + 1) {
            dropped += seq - lastSeq - 1;
        }
        if (seq > lastSeq || seq < lastSeq - SEQ_RESTART) {
            lastSeq = seq;
        }
    }

    CameraTile tile() {
        return new CameraTile(id, thumbnail == null ? 0 : thumbnailVersion,
                thumbnail == null ? 0 : thumbnail.width(), thumbnail == null ? 0 : thumbnail.height(),
                thumbnail == null ? -1 : thumbnail.captureTime(), event, people, personEvents.values().stream()
                        .toList());
    }

    CameraHealth health(long now, BoardLimits limits) {
        Map<String, Long> letters = new LinkedHashMap<>();
        deadLetters.forEach((reason, count) -> letters.put(reason.name(), count));
        return new CameraHealth(id, HealthState.of(lastInput(), now, limits), frames.perSecond(now),
                poses.perSecond(now), lastInput(), partition, jobLag, dropped, letters);
    }
}

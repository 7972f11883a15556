package clipstream.dashboard.board;

import java.time.Duration;
import java.util.Objects;

/**
 * How much the board holds and when a camera counts as stalled or offline.
 *
 * @param maxCameras       cameras kept; a new one beyond this evicts the one heard from least recently
 * @param alertHistory     alerts kept in the feed, newest first
 * @param tracksPerCamera  people's latest events kept per camera (the most recently updated tracks)
 * @param stalledAfter     a camera with no frame or pose for this long is stalled
 * @param offlineAfter     and for this long, offline
 */
public record BoardLimits(int maxCameras, int alertHistory, int tracksPerCamera, Duration stalledAfter,
                          Duration offlineAfter) {
    public static final BoardLimits DEFAULTS = new BoardLimits(256, 500, 16, Duration.ofSeconds(5),
            Duration.ofSeconds(60));

    public BoardLimits {
        if (maxCameras < 1) {
            throw new IllegalArgumentException("--max-cameras must be at least 1, got " + maxCameras);
        }
        if (alertHistory < 1) {
            throw new IllegalArgumentException("--alert-history must be at least 1, got " + alertHistory);
        }
        if (tracksPerCamera < 1) {
            throw new IllegalArgumentException("tracks per camera must be at least 1, got " + tracksPerCamera);
        }
        Objects.requireNonNull(stalledAfter, "stalledAfter");
        Objects.requireNonNull(offlineAfter, "offlineAfter");
        if (stalledAfter.isNegative() || stalledAfter.isZero() || offlineAfter.compareTo(stalledAfter) <= 0) {
            throw new IllegalArgumentException("--stalled-after must be positive and below --offline-after, got "
                    + stalledAfter + " and " + offlineAfter);
        }
    }
}

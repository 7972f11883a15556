package clipstream.alerts.engine;

import java.time.Instant;

/**
 * An event stamped further ahead of the wall clock than the max clock skew allows, which the engine applied as ending
 * at {@code takenAs} instead of its {@code endTime}.
 */
public record EventAheadOfClock(int partition, String camera, String eventId, Instant endTime, Instant takenAs) {
}

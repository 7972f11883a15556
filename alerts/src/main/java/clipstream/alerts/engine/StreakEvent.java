package clipstream.alerts.engine;

/** The part of a matching clip event that a streak remembers: enough to build the alert it may end in. */
public record StreakEvent(String eventId, String label, float score, long startTime, long endTime) {
}

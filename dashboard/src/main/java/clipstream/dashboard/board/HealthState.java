package clipstream.dashboard.board;

/** Whether a camera's input (frames, or poses from an edge device) is arriving. */
public enum HealthState {
    /** Input within the last {@code stalledAfter}. */
    LIVE,
    /** No input for {@code stalledAfter}, some within {@code offlineAfter}. */
    STALLED,
    /** No input for {@code offlineAfter}, or none ever (a camera known from its events or alerts only). */
    OFFLINE;

    /** The state of a camera whose latest input was at {@code lastInput} (epoch ms; negative: never), at {@code now}. */
    public static HealthState of(long lastInput, long now, BoardLimits limits) {
        if (lastInput < 0) {
            return OFFLINE;
        }
        long silent = now - lastInput;
        if (silent < limits.stalledAfter().toMillis()) {
            return LIVE;
        }
        return silent < limits.offlineAfter().toMillis() ? STALLED : OFFLINE;
    }
}

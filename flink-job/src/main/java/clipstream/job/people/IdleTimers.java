package clipstream.job.people;

import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/** A camera's idle timer in keyed state: re-armed at every record, it fires once the camera has been silent long enough. */
final class IdleTimers {
    private IdleTimers() {
    }

    /** Moves the camera's processing-time timer (kept in {@code armed}) to now + {@code timeoutMs}. */
    static void touch(ValueState<Long> armed, TimerService timers, long timeoutMs) throws IOException {
        Long previous = armed.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        long expiry = timers.currentProcessingTime() + timeoutMs;
        timers.registerProcessingTimeTimer(expiry);
        armed.update(expiry);
    }
}

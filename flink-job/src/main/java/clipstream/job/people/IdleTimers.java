package clipstream.job.people;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * A camera's idle timer in keyed state: re-armed at every record, it fires once the camera has been silent long
 * enough. Timers restored from a checkpoint were armed in the run before; one that fires before this run has lasted
 * the timeout is moved to the run's start + the timeout instead of clearing the camera, so an outage of the job does
 * not count as the camera's silence and a replay finds the same state (as {@code ClipAssembler} does for clips).
 */
public final class IdleTimers {
    private IdleTimers() {
    }

    /** When this run (the operator's life since it was opened) first saw a record or a timer, in processing time. */
    public static final class Run {
        private long startedAt = -1;

        void mark(long now) {
            if (startedAt < 0) {
                startedAt = now;
            }
        }

        public long startedAt() {
            return startedAt;
        }
    }

    /** Moves the camera's processing-time timer (kept in {@code armed}) to now + {@code timeoutMs}. */
    public static void touch(ValueState<Long> armed, TimerService timers, long timeoutMs, Run run) throws IOException {
        run.mark(timers.currentProcessingTime());
        Long previous = armed.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        long expiry = timers.currentProcessingTime() + timeoutMs;
        timers.registerProcessingTimeTimer(expiry);
        armed.update(expiry);
    }

    /**
     * Whether the timer firing at {@code timestamp} means the camera has been idle for {@code timeoutMs}: false for a
     * timer that is not the armed one (moved since), and false for a restored timer that fires before this run has
     * lasted {@code timeoutMs} (re-armed then at the run's start + {@code timeoutMs}).
     */
    public static boolean expired(long timestamp, ValueState<Long> armed, TimerService timers, long timeoutMs, Run run)
            throws IOException {
        run.mark(timers.currentProcessingTime());
        if (!Objects.equals(armed.value(), timestamp)) {
            return false;
        }
        if (timestamp < run.startedAt() + timeoutMs) {
            long expiry = run.startedAt() + timeoutMs;
            timers.registerProcessingTimeTimer(expiry);
            armed.update(expiry);
            return false;
        }
        return true;
    }
}

package clipstream.it.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waiting on real conditions: {@link #until} re-checks a condition every {@value #INTERVAL_MS} ms until it holds or
 * the deadline passes, and runs a fail-fast check first each time (a failed job or a dead process ends the wait at
 * once with its own reason instead of a timeout).
 */
final class Poll {
    static final long INTERVAL_MS = 200;

    /** Throws when something the wait depends on has failed. */
    @FunctionalInterface
    interface FailFast {
        void check() throws Exception;
    }

    private Poll() {
    }

    /**
     * Waits until {@code condition} is true; returns how long it took.
     *
     * @throws AssertionError at the deadline, saying what was awaited and the last error of the condition, if any
     */
    static Duration until(String what, Duration timeout, FailFast failFast, Callable<Boolean> condition)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Exception last = null;
        while (true) {
            failFast.check();
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e; // not there yet (connection refused, broker not ready ...): try again
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : " (last error: " + last + ")"));
            }
            // the pause between two checks of a real condition, not a synchronisation by sleep
            Thread.sleep(INTERVAL_MS);
        }
    }
}

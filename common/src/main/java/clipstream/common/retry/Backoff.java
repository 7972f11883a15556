package clipstream.common.retry;

import java.time.Duration;

/**
 * Exponential backoff between retries: {@code initial} after the first failure, doubled after every further one
 * up to {@code max}; {@code maxAttempts} consecutive failures give up (0: never give up). Used by ingest's
 * reconnecting sources and by the alerts webhooks.
 */
public record Backoff(Duration initial, Duration max, int maxAttempts) {
    /** Ingest's reconnect default: 0.5 s doubling to 30 s, never giving up. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0);

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0 || maxAttempts < 0) {
            throw new IllegalArgumentException("Backoff needs 0 <= initial <= max and maxAttempts >= 0, got "
                    + initial + ", " + max + ", " + maxAttempts);
        }
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
    public Duration delay(int attempt) {
        Duration delay = initial;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** True when {@code failedAttempts} consecutive failures are as many as this backoff allows. */
    public boolean givesUpAfter(int failedAttempts) {
        return maxAttempts > 0 && failedAttempts >= maxAttempts;
    }
}

package clipstream.ingest.pacing;

import java.time.Duration;

/**
 * Exponential reconnect backoff for live sources: {@code initial}, doubled after every failed attempt up to
 * {@code max}; {@code maxAttempts} consecutive failures give up (0: never give up).
 */
public record Backoff(Duration initial, Duration max, int maxAttempts) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || maxAttempts < 0) {
            throw new IllegalArgumentException("Backoff needs 0 < initial <= max and maxAttempts >= 0, got "
                    + initial + ", " + max + ", " + maxAttempts);
        }
    }

    /** The wait before attempt {@code attempt} (1 = the first retry). */
    public Duration delay(int attempt) {
        Duration delay = initial;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    public boolean givesUpAfter(int failedAttempts) {
        return maxAttempts > 0 && failedAttempts >= maxAttempts;
    }
}

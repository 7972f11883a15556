package clipstream.alerts.rules;

import clipstream.common.retry.Backoff;
import java.net.URI;
import java.time.Duration;

/**
 * Where and how hard to POST an alert: {@code attempts} tries of at most {@code timeout} each, waiting
 * {@code backoff} after the first failure and doubling up to {@code maxBackoff}; then the alert is dead-lettered.
 */
public record WebhookTarget(URI url, Duration timeout, int attempts, Duration backoff, Duration maxBackoff) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_ATTEMPTS = 5;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** How long to wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
    public Duration backoffAfter(int attempt) {
        return retry().delay(attempt);
    }

    /** The retry schedule: {@code backoff} doubling up to {@code maxBackoff}, giving up after {@code attempts}. */
    public Backoff retry() {
        return new Backoff(backoff, maxBackoff, attempts);
    }

    /** The longest one alert can take before it is delivered or dead-lettered. */
    public Duration worstCase() {
        Duration total = timeout.multipliedBy(attempts);
        for (int attempt = 1; attempt < attempts; attempt++) {
            total = total.plus(backoffAfter(attempt));
        }
        return total;
    }
}

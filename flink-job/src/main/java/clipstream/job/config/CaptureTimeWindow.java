package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * The capture times the job believes, around the time it reads a frame: from {@code maxAge} before it to
 * {@code maxClockSkew} after it. One rule for the source, which keeps other capture times out of the watermark,
 * and for the validator, which dead-letters them: a camera clock set to the year 3000 (or to 1970) would
 * otherwise move event time for every camera, or stamp Kafka records the brokers refuse.
 */
public record CaptureTimeWindow(Duration maxAge, Duration maxClockSkew) implements Serializable {
    /** The longest bound a long of milliseconds holds (declared first: {@link #DEFAULT} is checked against it). */
    private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

    /** A day back (a job that was down for hours still takes its backlog), five minutes ahead (camera clocks drift). */
    public static final CaptureTimeWindow DEFAULT = new CaptureTimeWindow(Duration.ofHours(24), Duration.ofMinutes(5));

    public CaptureTimeWindow {
        require(maxAge != null && !maxAge.isNegative() && !maxAge.isZero() && maxAge.compareTo(LONGEST) <= 0,
                "--max-frame-age must be positive, got " + maxAge);
        require(maxClockSkew != null && !maxClockSkew.isNegative() && maxClockSkew.compareTo(LONGEST) <= 0,
                "--max-clock-skew must be 0 or more, got " + maxClockSkew);
    }

    /** Whether {@code captureTime} lies in the window around {@code now} (both epoch milliseconds). */
    public boolean admits(long captureTime, long now) {
        return captureTime >= earliest(now) && captureTime <= latest(now);
    }

    /** Why {@code captureTime} is refused at {@code now}, naming the flag to change; null when it is admitted. */
    public String refusal(long captureTime, long now) {
        if (admits(captureTime, now)) {
            return null;
        }
        boolean ahead = captureTime > latest(now);
        return "capture time " + Instant.ofEpochMilli(captureTime) + " is more than "
                + (ahead ? "--max-clock-skew " + maxClockSkew + " ahead of" : "--max-frame-age " + maxAge + " behind")
                + " the job's clock " + Instant.ofEpochMilli(now) + " (accepted: " + Instant.ofEpochMilli(earliest(now))
                + " to " + Instant.ofEpochMilli(latest(now)) + ")";
    }

    private long earliest(long now) {
        long age = maxAge.toMillis();
        return now < Long.MIN_VALUE + age ? Long.MIN_VALUE : now - age;
    }

    private long latest(long now) {
        long skew = maxClockSkew.toMillis();
        return now > Long.MAX_VALUE - skew ? Long.MAX_VALUE : now + skew;
    }
}

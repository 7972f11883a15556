package clipstream.alerts.rules;

import clipstream.common.time.Durations;
import java.time.Duration;
import java.math.BigDecimal;

/**
 * What a camera health rule watches (the {@code health:} of a rule): a camera is <em>offline</em> after
 * {@code offlineAfter} without a clip event from it, <em>degraded</em> when its whole-frame clips' frame rate stays
 * below {@code degradedBelowFps} for {@code degradedFor}, and <em>recovered</em> once it has been healthy again for
 * {@code recoveredAfter} — so a camera that flaps raises one alert when it goes and one when it is steady again, not
 * one pair per flap. See {@link clipstream.alerts.engine.CameraHealthWatch} for the exact semantics.
 *
 * @param offlineAfter     wall-clock time without a clip event after which the camera is offline; null: not watched
 * @param degradedBelowFps the frame rate (frames per second of capture time) below which a clip is slow; 0: not
 *                         watched
 * @param degradedFor      how long (event time) the clips must stay slow before the camera is degraded
 * @param recoveredAfter   how long the camera must be healthy again before it is recovered (0: at once)
 */
public record HealthCheck(Duration offlineAfter, float degradedBelowFps, Duration degradedFor,
                          Duration recoveredAfter) {

    public static final Duration DEFAULT_DEGRADED_FOR = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECOVERED_AFTER = Duration.ofMinutes(1);

    public HealthCheck {
        if (offlineAfter != null && (offlineAfter.isZero() || offlineAfter.isNegative())) {
            throw new IllegalArgumentException("offline-after must be more than 0, got " + offlineAfter);
        }
        if (!(degradedBelowFps >= 0) || Float.isInfinite(degradedBelowFps)) {
            throw new IllegalArgumentException("degraded-below-fps must be a number above 0, got " + degradedBelowFps);
        }
        if (offlineAfter == null && degradedBelowFps == 0) {
            throw new IllegalArgumentException("a health check needs offline-after, degraded-below-fps or both");
        }
        if (degradedFor == null || degradedFor.isNegative()) {
            throw new IllegalArgumentException("degraded-for must be 0 or more, got " + degradedFor);
        }
        if (recoveredAfter == null || recoveredAfter.isNegative()) {
            throw new IllegalArgumentException("recovered-after must be 0 or more, got " + recoveredAfter);
        }
    }

    /** Whether a camera is watched for silence. */
    public boolean watchesOffline() {
        return offlineAfter != null;
    }

    /** Whether a camera's frame rate is watched. */
    public boolean watchesFrameRate() {
        return degradedBelowFps > 0;
    }

    /** The settings as a rules file writes them, e.g. {@code offline-after 30s, recovered-after 1m}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (watchesOffline()) {
            text.append("offline-after ").append(Durations.format(offlineAfter)).append(", ");
        }
        if (watchesFrameRate()) {
            text.append("degraded-below-fps ").append(fps(degradedBelowFps))
                    .append(", degraded-for ").append(Durations.format(degradedFor)).append(", ");
        }
        return text.append("recovered-after ").append(Durations.format(recoveredAfter)).toString();
    }

    /** A frame rate as a person writes it: {@code 5}, {@code 12.5}. */
    public static String fps(float rate) {
        return new BigDecimal(Float.toString(rate)).stripTrailingZeros().toPlainString();
    }
}

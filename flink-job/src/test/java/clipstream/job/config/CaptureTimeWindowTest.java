package clipstream.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaptureTimeWindowTest {
    private static final long NOW = Instant.parse("2026-12-04T18:00:00Z").toEpochMilli();
    private static final CaptureTimeWindow WINDOW = new CaptureTimeWindow(Duration.ofHours(24), Duration.ofMinutes(5));

    @Test
    void captureTimesFromMaxAgeBeforeToMaxSkewAfterTheClockAreAdmitted() {
        assertThat(WINDOW.admits(NOW, NOW)).isTrue();
        assertThat(WINDOW.admits(NOW - Duration.ofHours(24).toMillis(), NOW)).isTrue();
        assertThat(WINDOW.admits(NOW + Duration.ofMinutes(5).toMillis(), NOW)).isTrue();
        assertThat(WINDOW.admits(NOW - Duration.ofHours(24).toMillis() - 1, NOW)).isFalse();
        assertThat(WINDOW.admits(NOW + Duration.ofMinutes(5).toMillis() + 1, NOW)).isFalse();
        assertThat(WINDOW.refusal(NOW, NOW)).isNull();
    }

    @Test
    void theExtremesOfALongNeitherOverflowNorSlipIn() {
        assertThat(WINDOW.admits(Long.MAX_VALUE, NOW)).isFalse();
        assertThat(WINDOW.admits(Long.MIN_VALUE, NOW)).isFalse();
        CaptureTimeWindow widest = new CaptureTimeWindow(Duration.ofMillis(Long.MAX_VALUE), Duration.ofMillis(Long.MAX_VALUE));
        assertThat(widest.admits(NOW - Long.MAX_VALUE, NOW)).isTrue();
        assertThat(widest.admits(Long.MAX_VALUE, NOW)).as("now + max saturates instead of wrapping").isTrue();
        assertThat(widest.admits(Long.MIN_VALUE, -NOW)).as("now - max saturates instead of wrapping").isTrue();
    }

    @Test
    void aRefusalSaysTheCaptureTimeTheWindowAndTheFlag() {
        long year3000 = Instant.parse("3000-01-01T00:00:00Z").toEpochMilli();
        assertThat(WINDOW.refusal(year3000, NOW)).contains("3000-01-01T00:00:00Z", "--max-clock-skew PT5M",
                "2026-12-03T18:00:00Z", "2026-12-04T18:05:00Z").doesNotContain("--max-frame-age");
        assertThat(WINDOW.refusal(0, NOW)).contains("1970-01-01T00:00:00Z", "--max-frame-age PT24H",
                "2026-12-03T18:00:00Z", "2026-12-04T18:05:00Z").doesNotContain("--max-clock-skew");
    }

    @Test
    void aWindowThatAdmitsNothingOldIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> new CaptureTimeWindow(Duration.ZERO, Duration.ofMinutes(5)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-frame-age");
        assertThatThrownBy(() -> new CaptureTimeWindow(Duration.ofHours(1), Duration.ofSeconds(-1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--max-clock-skew");
        assertThat(new CaptureTimeWindow(Duration.ofHours(1), Duration.ZERO).maxClockSkew()).isZero();
    }
}

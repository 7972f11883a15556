package clipstream.dashboard.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private static final BoardLimits LIMITS = new BoardLimits(8, 10, 4, Duration.ofSeconds(5), Duration.ofSeconds(60));

    @Test
    void aCameraIsLiveThenStalledThenOfflineAsItsInputAges() {
        long last = 1_000_000;
        assertThat(HealthState.of(last, last, LIMITS)).isEqualTo(HealthState.LIVE);
        assertThat(HealthState.of(last, last + 4_999, LIMITS)).isEqualTo(HealthState.LIVE);
        assertThat(HealthState.of(last, last + 5_000, LIMITS)).isEqualTo(HealthState.STALLED);
        assertThat(HealthState.of(last, last + 59_999, LIMITS)).isEqualTo(HealthState.STALLED);
        assertThat(HealthState.of(last, last + 60_000, LIMITS)).isEqualTo(HealthState.OFFLINE);
    }

    @Test
    void aCameraWithoutInputIsOffline() {
        assertThat(HealthState.of(-1, 1_000_000, LIMITS)).isEqualTo(HealthState.OFFLINE);
    }
}

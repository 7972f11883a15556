package clipstream.dashboard.board;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateWindowTest {
    @Test
    void countsRecordsPerSecondOverTheLastWholeSecondsByTheirTimestamps() {
        RateWindow window = new RateWindow(5);
        long now = 100_000;
        for (long t = now - 5_000; t < now; t += 40) {   // 25 per second for 5 s
            window.add(t, now);
        }
        assertThat(window.perSecond(now + 500)).isEqualTo(25.0);
    }

    @Test
    void aBacklogOfOldRecordsIsNotABurst() {
        RateWindow window = new RateWindow(5);
        long now = 100_000;
        for (int i = 0; i < 1000; i++) {
            window.add(now - 60_000 + i, now);
        }
        assertThat(window.perSecond(now)).isZero();
    }

    @Test
    void theRateFallsToZeroWhenRecordsStop() {
        RateWindow window = new RateWindow(5);
        for (long t = 0; t < 10_000; t += 100) {
            window.add(t, t);
        }
        assertThat(window.perSecond(10_000)).isEqualTo(10.0);
        assertThat(window.perSecond(20_000)).isZero();
    }
}

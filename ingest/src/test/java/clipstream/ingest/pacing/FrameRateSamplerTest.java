package clipstream.ingest.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameRateSamplerTest {

    @Test
    void fiftyFramesPerSecondAtTwentyFiveKeepsEveryOther() {
        FrameRateSampler sampler = new FrameRateSampler(25);
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            if (sampler.keep(1_000_000L + i * 20_000L)) {
                assertThat(i % 2).as("frame %d", i).isZero();
                kept++;
            }
        }
        assertThat(kept).isEqualTo(50);
    }

    @Test
    void thirtyFramesPerSecondAtTwentyFiveKeepsTwentyFivePerSecond() {
        FrameRateSampler sampler = new FrameRateSampler(25);
        int kept = 0;
        for (int i = 0; i < 300; i++) { // 10 s at 30 fps (33 333 µs apart, rounded as a container would)
            kept += sampler.keep(Math.round(i * 1e6 / 30)) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(250);
    }

    @Test
    void slowerSourcesPassThroughUnchanged() {
        FrameRateSampler sampler = new FrameRateSampler(25);
        for (int i = 0; i < 50; i++) {
            assertThat(sampler.keep(i * 100_000L)).isTrue(); // 10 fps
        }
    }
}

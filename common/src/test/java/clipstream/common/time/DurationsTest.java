package clipstream.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationsTest {

    @Test
    void numbersWithAUnitAreRead() {
        assertThat(Durations.tryParse("250ms")).contains(Duration.ofMillis(250));
        assertThat(Durations.tryParse("30s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.tryParse("30 s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.tryParse("15m")).contains(Duration.ofMinutes(15));
        assertThat(Durations.tryParse("1.5m")).contains(Duration.ofSeconds(90));
        assertThat(Durations.tryParse("2H")).contains(Duration.ofHours(2));
        assertThat(Durations.tryParse("0.0004s")).contains(Duration.ZERO);
        assertThat(Durations.tryParse("0")).contains(Duration.ZERO);
    }

    @Test
    void isoDurationsAreRead() {
        assertThat(Durations.tryParse("PT30S")).contains(Duration.ofSeconds(30));
        assertThat(Durations.tryParse("pt1m30s")).contains(Duration.ofSeconds(90));
        assertThat(Durations.tryParse("P1D")).contains(Duration.ofDays(1));
    }

    @Test
    void negativeBareOverflowingAndUnknownValuesAreRefused() {
        assertThat(Durations.tryParse("-5s")).isEmpty();
        assertThat(Durations.tryParse("PT-5S")).isEmpty();
        assertThat(Durations.tryParse("-PT5S")).isEmpty();
        assertThat(Durations.tryParse("12")).isEmpty();
        assertThat(Durations.tryParse("soon")).isEmpty();
        assertThat(Durations.tryParse("5d")).isEmpty();
        assertThat(Durations.tryParse("")).isEmpty();
        assertThat(Durations.tryParse(null)).isEmpty();
        assertThat(Durations.tryParse("99999999999999999999h")).isEmpty();
        assertThat(Durations.tryParse("9223372036854775807h")).isEmpty();
    }

    @Test
    void errorsSayWhatWasExpected() {
        assertThatThrownBy(() -> Durations.parse("soon", "--duration"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--duration must be a duration such as").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> new DurationConverter().convert("-1s"))
                .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("not negative");
        assertThat(new DurationConverter().convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aDurationIsFormattedInItsShortestExactFormThatReadsBack() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ofMillis(1_500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("24h");
        for (Duration duration : List.of(Duration.ofMillis(7), Duration.ofSeconds(31), Duration.ofMinutes(90))) {
            assertThat(Durations.tryParse(Durations.format(duration))).contains(duration);
        }
    }
}

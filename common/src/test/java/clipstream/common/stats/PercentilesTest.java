package clipstream.common.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void percentilesAreNearestRank() {
        Percentiles hundred = Percentiles.of(LongStream.rangeClosed(1, 100).boxed().toList());
        assertThat(hundred.p50()).isEqualTo(50);
        assertThat(hundred.p95()).isEqualTo(95);
        assertThat(hundred.p99()).isEqualTo(99);
        assertThat(hundred.max()).isEqualTo(100);
        assertThat(hundred.count()).isEqualTo(100);
        assertThat(hundred).hasToString("50/95/99");

        Percentiles ten = Percentiles.of(List.of(100, 10, 20, 30, 40, 50, 60, 70, 80, 90));
        assertThat(ten.p50()).isEqualTo(50);
        assertThat(ten.p99()).isEqualTo(100);
        assertThat(Percentiles.of(List.of(7L)).p99()).isEqualTo(7);
    }

    @Test
    void noValuesGiveMinusOne() {
        assertThat(Percentiles.of(List.of())).isEqualTo(Percentiles.NONE);
        assertThat(Percentiles.NONE.p50()).isEqualTo(-1);
        assertThat(Percentiles.nearestRank(new double[0], 50)).isEqualTo(-1);
        assertThat(Percentiles.NONE).hasToString("-");
    }
}

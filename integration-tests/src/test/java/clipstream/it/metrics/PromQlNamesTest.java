package clipstream.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {
    @Test
    void namesAreWhatRemainsOfMatchersRangesGroupingAndFunctions() {
        assertThat(PromQlNames.of("sum by (camera) (rate(clipstream_ingest_frames_total{camera=~\"$camera\"}"
                + "[$__rate_interval]))")).containsExactly("clipstream_ingest_frames_total");
        assertThat(PromQlNames.of("rate(a_sum[5m]) / ignoring(x) rate(a_count[5m]) > 0.5 or vector(0)"))
                .containsExactly("a_count", "a_sum");
        assertThat(PromQlNames.of("max without (subtask_index) (m{quantile=\"0.99\"}) offset 1h"))
                .containsExactly("m");
        assertThat(PromQlNames.of("histogram_quantile(0.95, sum by (le) (rate(h_bucket[1m])))"))
                .containsExactly("h_bucket");
    }
}

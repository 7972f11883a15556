package clipstream.job.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobMetricsReporterTest {
    @Test
    void configuresFlinksPrometheusReporterOnThePort() {
        Configuration config = JobMetricsReporter.prometheus(9249);
        assertThat(config.toMap()).containsEntry("metrics.reporter.prom.factory.class", JobMetricsReporter.FACTORY)
                .containsEntry("metrics.reporter.prom.port", "9249");
    }

    @Test
    void thePrometheusReporterFactoryIsOnTheClassPathForLocalRuns() throws Exception {
        assertThat(Class.forName(JobMetricsReporter.FACTORY)).isNotNull();
    }

    @Test
    void portsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> JobMetricsReporter.prometheus(-1)).hasMessageContaining("--metrics-port");
    }
}

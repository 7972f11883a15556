package clipstream.alerts.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.rules.RulesLoader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AlertsMetricsTest {
    private static final String RULES = """
            rules:
              - name: approaching
                labels: [approach]
              - name: blinking
                labels: [blink]
            """;

    @Test
    void everyRuleInForceShowsFromZeroAndCountsPerRule() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        AlertsMetrics metrics = new AlertsMetrics(registry);
        metrics.rulesInForce(RulesLoader.parse(RULES, "test"));
        metrics.eventsCommitted(3);
        metrics.raised("approaching");
        metrics.raised("approaching");
        metrics.webhookDelivered("approaching");
        metrics.webhookFailed("blinking");

        String text = scrape(registry);

        assertThat(text).contains("clipstream_alerts_events_total 3.0")
                .contains("clipstream_alerts_raised_total{rule=\"approaching\"} 2.0")
                .contains("clipstream_alerts_raised_total{rule=\"blinking\"} 0.0")
                .contains("clipstream_alerts_webhook_deliveries_total{rule=\"approaching\"} 1.0")
                .contains("clipstream_alerts_webhook_deliveries_total{rule=\"blinking\"} 0.0")
                .contains("clipstream_alerts_webhook_failures_total{rule=\"blinking\"} 1.0");
    }

    private static String scrape(PrometheusRegistry registry) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}

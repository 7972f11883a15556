package clipstream.alerts.metrics;

import clipstream.alerts.rules.Rule;
import clipstream.alerts.rules.RuleSet;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The alerting consumer's counters, labelled by rule name. Every rule of the rules in force starts at 0, so a rule
 * that never fired still shows up on the dashboards.
 */
public final class AlertsMetrics {
    private static final String RULE = "rule";

    private final Counter events;
    private final Counter raised;
    private final Counter webhookDeliveries;
    private final Counter webhookFailures;

    /** Counters registered in {@code registry}. */
    public AlertsMetrics(PrometheusRegistry registry) {
        events = Counter.builder().name("clipstream_alerts_events_total")
                .help("Clip-event records read, counted once their batch committed").register(registry);
        raised = Counter.builder().name("clipstream_alerts_raised_total")
                .help("Alerts raised and committed to their topic").labelNames(RULE).register(registry);
        webhookDeliveries = Counter.builder().name("clipstream_alerts_webhook_deliveries_total")
                .help("Alerts a webhook accepted").labelNames(RULE).register(registry);
        webhookFailures = Counter.builder().name("clipstream_alerts_webhook_failures_total")
                .help("Alerts given up on for a webhook (retries spent or its queue full) and dead-lettered")
                .labelNames(RULE).register(registry);
    }

    /** Counters that nobody serves: for a consumer run without {@code --metrics-port}. */
    public static AlertsMetrics unserved() {
        return new AlertsMetrics(new PrometheusRegistry());
    }

    /** Shows every rule of {@code rules} (at 0 until it counts); rules dropped by a reload keep their counts. */
    public void rulesInForce(RuleSet rules) {
        for (Rule rule : rules.rules()) {
            raised.initLabelValues(rule.name());
            webhookDeliveries.initLabelValues(rule.name());
            webhookFailures.initLabelValues(rule.name());
        }
    }

    public void eventsCommitted(int count) {
        events.inc(count);
    }

    public void raised(String rule) {
        raised.labelValues(rule).inc();
    }

    public void webhookDelivered(String rule) {
        webhookDeliveries.labelValues(rule).inc();
    }

    public void webhookFailed(String rule) {
        webhookFailures.labelValues(rule).inc();
    }
}

/**
 * The alerting consumer's Prometheus metrics ({@link clipstream.alerts.metrics.AlertsMetrics}): events read, alerts
 * raised per rule, webhook deliveries and failures per rule.
 */
package clipstream.alerts.metrics;

/**
 * The alerting consumer itself: {@link clipstream.alerts.pipeline.AlertsService} wires the event loop
 * ({@link clipstream.alerts.pipeline.AlertsPipeline}: clip events → rule engine → alerts + rule state + offsets, one
 * Kafka transaction per batch), the webhook dispatcher and the rules-file watcher.
 */
package clipstream.alerts.pipeline;

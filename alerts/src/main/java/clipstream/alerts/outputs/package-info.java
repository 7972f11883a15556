/**
 * Where alerts go besides their Kafka topic: the terminal ({@link clipstream.alerts.outputs.TerminalOutput}) and
 * webhooks ({@link clipstream.alerts.outputs.WebhookDispatcher}).
 *
 * <p>Webhooks are fed from the alerts topic, not from the event loop: a separate consumer group reads the committed
 * alerts, POSTs each to its rule's webhooks (timeouts, retries with backoff) and commits its offsets only once every
 * alert of a batch was delivered or dead-lettered. So a slow or dead webhook never holds up the topic or the terminal,
 * a crash never loses an alert for a webhook (it is delivered again after the restart: at-least-once, with an
 * {@code Idempotency-Key} header carrying the alert id so the receiver can drop a repeat), and an alert that could not
 * be delivered ends up on the dead-letter topic with the reason.
 */
package clipstream.alerts.outputs;

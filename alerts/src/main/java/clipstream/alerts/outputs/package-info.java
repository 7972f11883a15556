/**
 * Where alerts go besides their Kafka topic: the terminal ({@link clipstream.alerts.outputs.TerminalOutput}) and
 * webhooks ({@link clipstream.alerts.outputs.WebhookDispatcher}).
 *
 * <p>Webhooks are fed from the alerts topic, not from the event loop: a separate consumer group reads the committed
 * alerts and hands each to the {@link clipstream.alerts.outputs.WebhookLane lane} of each of its rule's webhooks, a
 * bounded queue that its own thread POSTs in order (timeouts, retries with backoff). Offsets are committed only up to
 * the oldest alert that some webhook has not delivered or dead-lettered yet
 * ({@link clipstream.alerts.outputs.DeliveryProgress}). So a slow or dead webhook never holds up the topic, the
 * terminal, another webhook or the consumer's polling; a crash never loses an alert for a webhook (it is delivered
 * again after the restart: at-least-once, with an {@code Idempotency-Key} header carrying the alert id so the receiver
 * can drop a repeat); and an alert that could not be delivered, or found its webhook's queue full, ends up on the
 * dead-letter topic with the reason.
 */
package clipstream.alerts.outputs;

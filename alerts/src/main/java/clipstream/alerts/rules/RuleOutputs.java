package clipstream.alerts.rules;

import java.util.List;

/**
 * Where a rule's alerts go. The Kafka topic is always written: it is the durable record of the alert that
 * exactly-once delivery and the webhooks are built on; stdout and webhooks come in addition.
 */
public record RuleOutputs(String topic, boolean stdout, List<WebhookTarget> webhooks) {

    public static final String DEFAULT_TOPIC = "alerts";

    public RuleOutputs {
        webhooks = List.copyOf(webhooks);
    }

    public static RuleOutputs defaults() {
        return new RuleOutputs(DEFAULT_TOPIC, true, List.of());
    }
}

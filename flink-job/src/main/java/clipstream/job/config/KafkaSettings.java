package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;
import static clipstream.job.config.ConfigException.requireText;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Where the job reads and writes: brokers, topics, consumer group, delivery guarantee and any Kafka client
 * property passed through as {@code --kafka.NAME=VALUE} (security settings for secured clusters and the like).
 */
public record KafkaSettings(
        String bootstrapServers,
        String framesTopic,
        String eventsTopic,
        String deadLetterTopic,
        String consumerGroup,
        DeliveryGuarantee delivery,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Map<String, String> clientProperties) implements Serializable {

    /** Client properties the job sets itself; passing them through would silently break a guarantee. */
    private static final java.util.Set<String> OWNED = java.util.Set.of(
            "bootstrap.servers", "group.id", "transactional.id", "transaction.timeout.ms",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer", "enable.idempotence");

    public KafkaSettings {
        requireText(bootstrapServers, "--bootstrap");
        requireText(framesTopic, "--frames-topic");
        requireText(eventsTopic, "--events-topic");
        requireText(deadLetterTopic, "--dlq-topic");
        requireText(consumerGroup, "--group");
        require(delivery == DeliveryGuarantee.EXACTLY_ONCE || delivery == DeliveryGuarantee.AT_LEAST_ONCE,
                "--delivery must be exactly-once or at-least-once, got " + delivery);
        requireText(transactionalIdPrefix, "--transactional-id-prefix");
        require(transactionTimeout != null && !transactionTimeout.isNegative() && !transactionTimeout.isZero(),
                "--transaction-timeout must be positive, got " + transactionTimeout);
        require(!framesTopic.equals(eventsTopic) && !framesTopic.equals(deadLetterTopic)
                        && !eventsTopic.equals(deadLetterTopic),
                "--frames-topic, --events-topic and --dlq-topic must be three different topics");
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        for (String name : clientProperties.keySet()) {
            require(!OWNED.contains(name), "--kafka." + name + " is set by the job itself; use "
                    + switch (name) {
                        case "bootstrap.servers" -> "--bootstrap";
                        case "group.id" -> "--group";
                        case "transactional.id" -> "--transactional-id-prefix";
                        case "transaction.timeout.ms" -> "--transaction-timeout";
                        default -> "the default (not configurable)";
                    });
        }
    }

    public boolean exactlyOnce() {
        return delivery == DeliveryGuarantee.EXACTLY_ONCE;
    }

    /** Bootstrap servers plus the passthrough properties: the base of every Kafka client the job creates. */
    public Properties clientConfig() {
        Properties properties = new Properties();
        properties.putAll(new TreeMap<>(clientProperties));
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }
}

package clipstream.ingest.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks up the broker-side limit on record size for the frames topic, so frames can be checked before sending. */
public final class TopicLimits {
    private static final Logger log = LoggerFactory.getLogger(TopicLimits.class);

    private TopicLimits() {
    }

    /**
     * The stricter of the producer's {@code max.request.size} and the topic's {@code max.message.bytes}. When the
     * topic does not exist yet (auto-created on first write) or cannot be described, the producer's limit alone.
     *
     * @throws IllegalStateException when Kafka does not answer within {@code timeout}
     */
    public static MessageSizeLimit forTopic(Properties producerProperties, String topic, Duration timeout) {
        try (Admin admin = admin(producerProperties, timeout)) {
            return forTopic(admin, producerProperties, topic, timeout);
        }
    }

    /** {@link #forTopic(Properties, String, Duration)} through an admin client the caller already has. */
    public static MessageSizeLimit forTopic(Admin admin, Properties producerProperties, String topic,
                                            Duration timeout) {
        MessageSizeLimit producer = MessageSizeLimit.producer(FrameProducers.maxRequestSize(producerProperties));
        return topicMaxMessageBytes(admin, producerProperties, topic, timeout)
                .map(bytes -> producer.min(MessageSizeLimit.topic(topic, bytes)))
                .orElse(producer);
    }

    /** An admin client with the producer's settings (bootstrap, security, ...) and {@code timeout} on every call. */
    public static Admin admin(Properties producerProperties, Duration timeout) {
        Properties adminProps = new Properties();
        for (String key : producerProperties.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(key)) {
                adminProps.put(key, producerProperties.getProperty(key));
            }
        }
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "clipstream-ingest-admin");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return Admin.create(adminProps);
    }

    private static Optional<Integer> topicMaxMessageBytes(Admin admin, Properties producerProperties, String topic,
                                                          Duration timeout) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            ConfigEntry entry = configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? Optional.empty()
                    : Optional.of(Integer.parseInt(entry.value()));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                log.warn("Cannot read max.message.bytes of topic '{}' ({}); checking frames against the producer's"
                        + " max.request.size only", topic, e.getCause().getMessage());
            }
            return Optional.empty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + producerProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " did not answer within " + timeout.toSeconds() + " s: is --bootstrap right and the broker up?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

package clipstream.alerts.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the input topic and creates the output topics the consumer needs when they are missing: alert topics and
 * the dead-letter topic with the input's partition count, the state topic compacted and with at least as many
 * partitions as the input (its partition {@code p} holds the state of input partition {@code p}).
 */
final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_S = 30;


    private TopicSetup() {
    }

    static void ensure(AlertsConfig config, Collection<String> alertTopics) {
        try (Admin admin = Admin.create(config.clientProperties())) {
            int partitions = describe(admin, config.inputTopic())
                    .orElseThrow(() -> new IllegalStateException("Input topic '" + config.inputTopic()
                            + "' does not exist on " + config.bootstrap() + " (check --input-topic, or start the"
                            + " pipeline that writes it first)"))
                    .partitions().size();
            Optional<TopicDescription> state = describe(admin, config.stateTopic());
            if (state.isPresent() && state.get().partitions().size() < partitions) {
                throw new IllegalStateException("State topic '" + config.stateTopic() + "' has "
                        + state.get().partitions().size() + " partitions but input '" + config.inputTopic()
                        + "' has " + partitions + "; add partitions to it or choose another --state-topic");
            }
            List<NewTopic> missing = new ArrayList<>();
            if (state.isEmpty()) {
                missing.add(new NewTopic(config.stateTopic(), Optional.of(partitions), Optional.empty())
                        .configs(AlertsConfig.STATE_TOPIC_CONFIGS));
            } else {
                warnUnlessCompacted(admin, config.stateTopic());
            }
            Set<String> outputs = new TreeSet<>(alertTopics);
            outputs.add(config.dlqTopic());
            for (String topic : outputs) {
                if (describe(admin, topic).isEmpty()) {
                    missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
                }
            }
            create(admin, missing);
        }
    }

    /** A state topic made elsewhere without compaction would lose cameras' state to retention and grow meanwhile. */
    private static void warnUnlessCompacted(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config configs = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry policy = configs == null ? null : configs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.warn("State topic {} has cleanup.policy={}, not compact: rule state older than its retention is"
                        + " lost and a restart reads every snapshot kept. Set cleanup.policy=compact on it (this"
                        + " consumer creates it with {})", topic, policy.value(), AlertsConfig.STATE_TOPIC_CONFIGS);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not read the configuration of state topic {}: {}", topic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking topics", e);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("Cannot describe topic '" + topic + "': " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_S + " s (is --bootstrap right?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking topics", e);
        }
    }

    private static void create(Admin admin, List<NewTopic> topics) {
        for (NewTopic topic : topics) {
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
                LOG.info("Created topic {} ({} partitions)", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic '" + topic.name() + "': "
                            + e.getCause().getMessage(), e);
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not create topic '" + topic.name() + "' within "
                        + TIMEOUT_S + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topics", e);
            }
        }
    }
}

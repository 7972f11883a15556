package clipstream.job.sink;

import clipstream.job.config.ConfigException;
import clipstream.job.config.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Checks, before the job starts, that the brokers accept the sinks' transaction timeout: a timeout above the
 * brokers' {@code transaction.max.timeout.ms} otherwise fails only at the first transaction, deep in the job.
 */
public final class TransactionTimeoutCheck {
    static final String BROKER_MAX = "transaction.max.timeout.ms";

    private TransactionTimeoutCheck() {
    }

    /** Throws {@link ConfigException} naming the flag when the timeout is above any broker's maximum. */
    public static void verify(KafkaSettings kafka, Duration wait) {
        if (!kafka.exactlyOnce()) {
            return;
        }
        var config = kafka.clientConfig();
        config.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(wait.toMillis()));
        config.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(wait.toMillis()));
        try (Admin admin = Admin.create(config)) {
            Collection<Node> brokers = admin.describeCluster().nodes().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            List<ConfigResource> resources = brokers.stream()
                    .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString()))
                    .toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
            long wanted = kafka.transactionTimeout().toMillis();
            for (var entry : configs.entrySet()) {
                ConfigEntry max = entry.getValue().get(BROKER_MAX);
                if (max != null && max.value() != null && wanted > Long.parseLong(max.value())) {
                    throw new ConfigException("--transaction-timeout " + kafka.transactionTimeout() + " (" + wanted
                            + " ms) is above the " + BROKER_MAX + " of broker " + entry.getKey().name() + " ("
                            + max.value() + " ms): lower --transaction-timeout, or raise " + BROKER_MAX
                            + " on the brokers");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ConfigException("cannot check the transaction timeout against the brokers at "
                    + kafka.bootstrapServers() + " (--bootstrap): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while checking the brokers at " + kafka.bootstrapServers());
        }
    }
}

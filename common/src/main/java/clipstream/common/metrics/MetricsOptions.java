package clipstream.common.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The {@code /metrics} flags a long-running command mixes in ({@code @Mixin}): off unless {@code --metrics-port} is
 * given.
 */
public final class MetricsOptions {
    /** The loopback address: metrics stay on this machine unless {@code --metrics-host} says otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics; 0: any free port, printed at"
                    + " start (default: off).")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "ADDRESS", defaultValue = DEFAULT_HOST,
            description = "Address the metrics endpoint listens on; 0.0.0.0 for every interface, as in a container"
                    + " (default: ${DEFAULT-VALUE}).")
    String host = DEFAULT_HOST;

    /** Whether {@code --metrics-port} was given. */
    public boolean enabled() {
        return port != null;
    }

    /** The {@code --metrics-port} given, if any (a command that serves its metrics itself, such as the demo). */
    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The {@code --metrics-host}. */
    public String host() {
        return host;
    }

    /** Fails with a message naming the flag when {@code --metrics-port} is not a port: check before connecting. */
    public void validate() {
        if (port != null && (port < 0 || port > 65_535)) {
            throw new IllegalArgumentException("--metrics-port must be 0-65535 (0: any free port), got " + port);
        }
    }

    /**
     * Starts the endpoint over {@code registry} when {@code --metrics-port} was given.
     *
     * @throws java.io.UncheckedIOException when the address cannot be bound (port taken, unknown host)
     */
    public Optional<MetricsEndpoint> start(PrometheusRegistry registry) {
        validate();
        return enabled() ? Optional.of(MetricsEndpoint.start(registry, host, port)) : Optional.empty();
    }
}

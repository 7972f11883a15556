package clipstream.common.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A command's metrics in Prometheus' text format at {@code http://HOST:PORT/metrics}, served by the Prometheus
 * Java client's HTTP server on its own threads: a scrape reads the registry's counters and never blocks the code that
 * counts.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;
    private final String host;

    private MetricsEndpoint(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Starts serving {@code registry} on {@code host:port}; port 0 takes any free port ({@link #port()} says which).
     *
     * @throws UncheckedIOException naming the address when it cannot be bound (port taken, unknown host)
     */
    public static MetricsEndpoint start(PrometheusRegistry registry, String host, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--metrics-port must be 0-65535 (0: any free port), got " + port);
        }
        try {
            HTTPServer server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
            return new MetricsEndpoint(server, host);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve metrics on " + host + ":" + port + " (--metrics-host,"
                    + " --metrics-port; 0 takes any free port): " + e.getMessage(), e);
        }
    }

    /** The port it listens on (the one chosen when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /** Where to scrape it: the wildcard address is reached through loopback. */
    public URI uri() {
        String reachable = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
        return URI.create("http://" + reachable + ":" + port() + "/metrics");
    }

    @Override
    public void close() {
        server.close();
    }
}

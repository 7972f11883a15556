package clipstream.job.runtime;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * The Flink settings that export every metric of the job (and of Flink itself) for Prometheus through Flink's own
 * reporter ({@code flink-metrics-prometheus}) at {@code http://HOST:PORT/metrics}. Reporters are cluster settings:
 * a local run (MiniCluster) takes them from here, a cluster from its {@code config.yaml} (docker-compose.yml sets the
 * same keys). Flink's reporter listens on every interface; it has no address setting.
 */
public final class JobMetricsReporter {
    /** The reporter's name in the {@code metrics.reporter.NAME.*} keys. */
    public static final String NAME = "prom";
    /** Flink's conventional Prometheus port, the one docker-compose.yml scrapes. */
    public static final int DEFAULT_PORT = 9249;
    static final String FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    private static final ConfigOption<String> FACTORY_CLASS = key("factory.class");
    private static final ConfigOption<String> PORT = key("port");

    private JobMetricsReporter() {
    }

    /** The reporter on {@code port}; Flink also takes a range such as {@code 9250-9260} (one port per process). */
    public static Configuration prometheus(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--metrics-port must be 0-65535, got " + port);
        }
        Configuration config = new Configuration();
        config.set(FACTORY_CLASS, FACTORY);
        config.set(PORT, String.valueOf(port));
        return config;
    }

    private static ConfigOption<String> key(String suffix) {
        return ConfigOptions.key("metrics.reporter." + NAME + "." + suffix).stringType().noDefaultValue();
    }
}

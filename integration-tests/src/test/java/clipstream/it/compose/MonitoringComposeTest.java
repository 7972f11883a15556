package clipstream.it.compose;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.it.compose.ComposeFile.Mount;
import clipstream.it.compose.ComposeFile.Service;
import clipstream.job.runtime.JobMetricsReporter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks that the monitoring half of docker-compose.yml fits together without a Docker engine: Prometheus scrapes
 * each service on the port that service serves its metrics on, and Grafana's provisioning finds the data source and
 * the dashboard where compose mounts them. (That the dashboard's queries name metrics the services really serve is
 * {@code MetricsDashboardTest}'s part.)
 */
class MonitoringComposeTest {
    private static Path root;
    private static ComposeFile compose;

    @BeforeAll
    static void readComposeFile() throws IOException {
        root = Path.of("..").toAbsolutePath().normalize();
        compose = ComposeFile.read(root.resolve("docker-compose.yml"));
    }

    @Test
    void prometheusScrapesEveryExporterOnThePortItServes() throws IOException {
        Service prometheus = service("prometheus");
        String configFile = prometheus.argumentAfter("--config.file").orElseThrow();
        Map<String, Object> config = yaml(hostPathOf(prometheus, configFile));
        List<String> targets = new ArrayList<>();
        for (Object job : ComposeFile.list(config.get("scrape_configs"))) {
            for (Object staticConfig : ComposeFile.list(ComposeFile.map(job).get("static_configs"))) {
                ComposeFile.list(ComposeFile.map(staticConfig).get("targets")).forEach(t -> targets.add(t.toString()));
            }
        }
        assertThat(targets).as("scrape targets").contains("jobmanager:" + JobMetricsReporter.DEFAULT_PORT,
                "taskmanager:" + JobMetricsReporter.DEFAULT_PORT).anyMatch(t -> t.startsWith("ingest:"))
                .anyMatch(t -> t.startsWith("alerts:"));
        for (String target : targets) {
            String host = target.substring(0, target.lastIndexOf(':'));
            String port = target.substring(target.lastIndexOf(':') + 1);
            if (host.equals("localhost")) {
                continue; // Prometheus itself
            }
            Service scraped = service(host);
            Optional<String> metricsPort = scraped.argumentAfter("--metrics-port");
            if (metricsPort.isPresent()) {
                assertThat(metricsPort.get()).as("--metrics-port of %s, scraped as %s", host, target).isEqualTo(port);
                assertThat(scraped.argumentAfter("--metrics-host")).as("%s listens beyond its own loopback", host)
                        .contains("0.0.0.0");
            } else {
                String flink = scraped.environment().getOrDefault("FLINK_PROPERTIES", "");
                assertThat(flink).as("Flink's reporter settings of %s, scraped as %s", host, target)
                        .contains("metrics.reporter." + JobMetricsReporter.NAME + ".factory.class: "
                                + "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                        .contains("metrics.reporter." + JobMetricsReporter.NAME + ".port: " + port);
            }
        }
    }

    @Test
    void grafanaProvisionsTheDataSourceTheDashboardUsesAndFindsTheDashboard() throws IOException {
        Service grafana = service("grafana");
        Path provisioning = hostPathOf(grafana, "/etc/grafana/provisioning");
        Map<String, Object> datasources = yaml(provisioning.resolve("datasources/prometheus.yaml"));
        Map<String, Object> datasource = ComposeFile.map(ComposeFile.list(datasources.get("datasources")).get(0));
        assertThat(datasource.get("url")).as("data source URL").isEqualTo("http://prometheus:9090");
        String uid = String.valueOf(datasource.get("uid"));

        Map<String, Object> providers = yaml(provisioning.resolve("dashboards/clipstream.yaml"));
        String folder = String.valueOf(ComposeFile.map(ComposeFile.map(ComposeFile.list(providers.get("providers"))
                .get(0)).get("options")).get("path"));
        Path dashboards = hostPathOf(grafana, folder);
        Path home = hostPathOf(grafana, grafana.environment().get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
        assertThat(home).as("home dashboard").isRegularFile().startsWith(dashboards);

        JsonNode dashboard = new ObjectMapper().readTree(home.toFile());
        List<String> datasourceUids = dashboard.findValues("datasource").stream()
                .map(node -> node.path("uid").asText()).toList();
        assertThat(datasourceUids).as("data sources the dashboard's panels and queries name").isNotEmpty()
                .allMatch(uid::equals);
    }

    private static Service service(String name) {
        Service service = compose.services().get(name);
        assertThat(service).as("service %s in docker-compose.yml", name).isNotNull();
        return service;
    }

    /** The repository file or folder that {@code service} sees at {@code containerPath}, through its bind mounts. */
    private static Path hostPathOf(Service service, String containerPath) {
        for (Mount mount : service.mounts()) {
            if (mount.bind() && (containerPath.equals(mount.target()) || containerPath.startsWith(mount.target() + "/"))) {
                Path path = compose.directory().resolve(mount.source())
                        .resolve(containerPath.substring(mount.target().length()).replaceFirst("^/", ""))
                        .toAbsolutePath().normalize();
                assertThat(path).as("%s of service %s, mounted from the repository", containerPath, service.name())
                        .exists();
                return path;
            }
        }
        throw new AssertionError("Service " + service.name() + " has nothing mounted at " + containerPath);
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
    }
}

package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.alerts.pipeline.AlertsService;
import clipstream.common.metrics.MetricsEndpoint;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.IngestMetrics;
import clipstream.ingest.run.IngestRunner;
import clipstream.it.demo.ThreadsLeft;
import clipstream.it.metrics.PromQlNames;
import clipstream.job.ClipstreamJob;
import clipstream.job.config.KafkaSettings;
import clipstream.job.runtime.JobMetricsReporter;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.schema.ClipEvent;
import clipstream.schema.Frame;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard that docker-compose.yml provisions ({@code docker/grafana/dashboards/clipstream.json}) is
 * valid, and every metric its panels query is one the exporters serve: the job on a MiniCluster with Flink's
 * Prometheus reporter, ingest with two synthetic cameras and the alerting consumer, all on an embedded broker, each
 * scraped over loopback HTTP after a real run.
 */
class MetricsDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docker", "grafana", "dashboards", "clipstream.json");
    private static final int CAMERAS = 2;
    /**
     * Clips ingested per camera, as fast as Kafka takes them: enough media time (4 × 32 frames at 25 fps) for the
     * watermark, 3 s behind, to pass the first clips.
     */
    private static final int CLIPS_PER_CAMERA = 4;
    /** Events the test waits for before it scrapes: the first clip of each camera. */
    private static final int EVENTS = CAMERAS;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String RULES = """
            rules:
              - name: something-approaching
                labels: [approach]
                min-score: 0.5
                min-consecutive: 1
                cooldown: 10s
                outputs: {topic: %1$s, stdout: false}
              - name: anything-moving
                labels: [still, left, right, up, down, approach, recede, rotate_cw, rotate_ccw, blink]
                min-consecutive: 1
                cooldown: 1s
                outputs: {topic: %1$s, stdout: false}
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyMetricTheGrafanaPanelsQueryIsServedByTheJobIngestAndAlerts(@TempDir Path folder) throws Exception {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        Map<String, Set<String>> served = new TreeMap<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            runAndScrape(kafka, folder, served);
        }
        assertThat(ThreadsLeft.since(threadsBefore, Duration.ofSeconds(10))).as("non-daemon threads left").isEmpty();

        Set<String> all = new TreeSet<>();
        served.values().forEach(all::addAll);
        Files.write(Path.of("target", "metrics-served.txt"), all); // what a new panel can query
        served.forEach((exporter, names) -> System.out.printf("MetricsDashboardTest: %s serves %d metrics%n",
                exporter, names.size()));
        assertThat(served.get("ingest")).as("ingest's metrics").contains("clipstream_ingest_frames_total");
        assertThat(served.get("alerts")).as("alerts' metrics").contains("clipstream_alerts_raised_total");
        assertThat(served.get("job")).as("the job's metrics")
                .anyMatch(name -> name.endsWith("clipsClassified"));
        Map<String, Set<String>> queried = panelQueries(new ObjectMapper().readTree(DASHBOARD.toFile()));
        queried.forEach((panel, names) -> assertThat(all)
                .as("metrics of panel '%s' served by the job, ingest or alerts", panel).containsAll(names));
    }

    /** Panel title → metric names of its queries; fails on a panel without queries or a query without a metric. */
    private static Map<String, Set<String>> panelQueries(JsonNode dashboard) {
        assertThat(dashboard.path("title").asText()).as("dashboard title").isNotBlank();
        assertThat(dashboard.path("uid").asText()).as("dashboard uid").isNotBlank();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add); // panels of a collapsed row
        });
        Map<String, Set<String>> queried = new TreeMap<>();
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt(-1))).as("panel id of '%s' is unique", title).isTrue();
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("gridPos").isObject()).as("panel '%s' has a gridPos", title).isTrue();
            assertThat(panel.path("targets").size()).as("queries of panel '%s'", title).isPositive();
            Set<String> names = new TreeSet<>();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Set<String> metrics = PromQlNames.of(expr);
                assertThat(metrics).as("metrics of '%s' in panel '%s'", expr, title).isNotEmpty();
                names.addAll(metrics);
            }
            queried.put(title, names);
        }
        assertThat(queried).as("panels with queries").hasSizeGreaterThanOrEqualTo(5);
        return queried;
    }

    private void runAndScrape(EmbeddedKafka kafka, Path folder, Map<String, Set<String>> served) throws Exception {
        ModelManifest model = E2eJobs.manifest();
        int clipLength = model.frames();
        long framesPerCamera = (long) CLIPS_PER_CAMERA * clipLength;
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        kafka.createTopics(Map.of(frames, CAMERAS, events, CAMERAS, dlq, 1));
        int reporterPort = EmbeddedKafka.freeLoopbackPort();
        MiniCluster flink = miniCluster(reporterPort);
        try {
            KafkaSettings settings = E2eJobs.kafka(kafka.bootstrapServers(), frames, events, dlq, E2eJobs.unique("job"));
            // the REST-reading half of RunningJob (TestFlink) is not used: only its watch over the job
            RunningJob job = new RunningJob(flink, submit(flink, E2eJobs.job(settings, clipLength,
                    Duration.ofMillis(500), false), folder), null);
            job.awaitAllTasksRunning(TIMEOUT); // the source starts at the end of the topic: cameras after it
            SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
            PrometheusRegistry ingestRegistry = new PrometheusRegistry();
            int committedEvents;
            try (Producer<String, Frame> producer = FrameProducers.create(
                    FrameProducers.properties(kafka.bootstrapServers(), Map.of()));
                 MetricsEndpoint ingestEndpoint = MetricsEndpoint.start(ingestRegistry, "127.0.0.1", 0)) {
                IngestRunner runner = new IngestRunner(SyntheticCameras.settings(frames, model.width(), model.height(),
                        framesPerCamera, 0, null), cameras.specs(), producer);
                IngestMetrics.register(ingestRegistry, runner::stats);
                runner.start();
                assertThat(runner.awaitSummary(TIMEOUT)).as("ingest finished").isNotNull();
                try (var committed = new CommittedTopic<>(kafka.bootstrapServers(), events, ClipEvent.class)) {
                    committedEvents = committed.awaitCount(EVENTS, TIMEOUT, job, "clip events").size();
                }
                served.put("ingest", scrape(ingestEndpoint.uri()));
            }
            served.put("alerts", runAlertsAndScrape(kafka, events, committedEvents, folder));
            served.put("job", scrape(URI.create("http://127.0.0.1:" + reporterPort + "/metrics")));
            job.close();
        } finally {
            flink.closeAsync().get(60, TimeUnit.SECONDS);
        }
    }

    /** The alerting consumer over {@code events} until it has read {@code count} of them; its metrics then. */
    private Set<String> runAlertsAndScrape(EmbeddedKafka kafka, String events, int count, Path folder)
            throws Exception {
        String alerts = E2eJobs.unique("alerts");
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, RULES.formatted(alerts));
        AlertsConfig config = new AlertsConfig(kafka.bootstrapServers(), E2eJobs.unique("alerts-group"), "metrics",
                events, E2eJobs.unique("alerts-state"), E2eJobs.unique("alerts-dlq"), RuleEngine.DEFAULT_DEDUP_WINDOW,
                AlertsConfig.DEFAULT_MAX_POLL_RECORDS, Map.of());
        PrometheusRegistry registry = new PrometheusRegistry();
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0);
             AlertsService service = new AlertsService(config, rules, new TerminalOutput(
                     new PrintStream(PrintStream.nullOutputStream()), false, ZoneId.of("UTC")),
                     new AlertsMetrics(registry))) {
            service.start();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (eventsRead(scrapeText(endpoint.uri())) < count) {
                service.failure().ifPresent(cause -> {
                    throw new AssertionError("The alerting consumer failed: " + cause, cause);
                });
                assertThat(System.nanoTime()).as("alerts read the events in time").isLessThan(deadline);
                service.awaitTermination(Duration.ofMillis(200));
            }
            return scrape(endpoint.uri());
        }
    }

    private static double eventsRead(String exposition) {
        Matcher m = Pattern.compile("(?m)^clipstream_alerts_events_total (\\S+)$").matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static MiniCluster miniCluster(int reporterPort) throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, EmbeddedKafka.freeLoopbackPort());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
        config.addAll(JobMetricsReporter.prometheus(reporterPort));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        cluster.start();
        return cluster;
    }

    private static JobID submit(MiniCluster cluster, ClipstreamJob job, Path folder) throws Exception {
        Configuration settings = new Configuration();
        settings.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        settings.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, folder.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        job.configure(env);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("clipstream-metrics");
        return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    }

    /** The names of the samples an exporter serves (text format: {@code name{labels} value}). */
    private Set<String> scrape(URI uri) throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        for (String line : scrapeText(uri).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private String scrapeText(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return response.body();
    }
}

package clipstream.dashboard.cli;

import clipstream.common.metrics.MetricsEndpoint;
import clipstream.common.metrics.MetricsOptions;
import clipstream.common.time.DurationConverter;
import clipstream.dashboard.Dashboard;
import clipstream.dashboard.DashboardSettings;
import clipstream.dashboard.DashboardTopics;
import clipstream.dashboard.board.BoardLimits;
import clipstream.dashboard.metrics.DashboardMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Entry point of {@code ./clipstream dashboard}: serves the page until Ctrl-C; exit 2 for bad usage, 1 on failure. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Serves the operator's page: a live grid of the cameras (a thumbnail a few times a second, the current"
                    + " label, people's boxes and skeletons), each camera's health (frames/s, the job's lag, dropped"
                    + " frames, dead letters by reason, last frame, live/stalled/offline), the alert feed with history"
                    + " and the served models. It reads the topics read_committed with a consumer group of its own.",
            "Metrics: --metrics-port PORT serves records read per topic, dead letters per reason, cameras on the"
                    + " board and open pages for Prometheus at http://127.0.0.1:PORT/metrics (README, section Metrics).",
            "Exit codes: 0 stopped (Ctrl-C), 2 bad usage or the port taken, 1 runtime failure."})
public final class DashboardCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (comma-separated).")
    private String bootstrap;

    @Option(names = "--port", defaultValue = "" + DashboardSettings.DEFAULT_PORT, paramLabel = "N",
            description = "Port of the page; 0: a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", defaultValue = DashboardSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Address the page is served on (default: ${DEFAULT-VALUE}, this machine only).")
    private String host;

    @Option(names = "--job-group", defaultValue = DashboardSettings.DEFAULT_JOB_GROUP, paramLabel = "ID",
            description = "The job's consumer group, whose lag each camera shows (default: ${DEFAULT-VALUE}).")
    private String jobGroup;

    @Option(names = "--group", paramLabel = "ID",
            description = "The dashboard's own consumer group (default: clipstream-dashboard-<random>).")
    private String group;

    @Option(names = "--frames-topic", defaultValue = DashboardTopics.DEFAULT_FRAMES, paramLabel = "TOPIC",
            description = "Frames (default: ${DEFAULT-VALUE}).")
    private String framesTopic;

    @Option(names = "--events-topic", defaultValue = DashboardTopics.DEFAULT_EVENTS, paramLabel = "TOPIC",
            description = "Clip events (default: ${DEFAULT-VALUE}).")
    private String eventsTopic;

    @Option(names = "--poses-topic", defaultValue = DashboardTopics.DEFAULT_POSES, paramLabel = "TOPIC",
            description = "The job's tracked poses (default: ${DEFAULT-VALUE}).")
    private String posesTopic;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", split = ",",
            description = "Alert topics of the rules (default: " + DashboardTopics.DEFAULT_ALERTS + ").")
    private List<String> alertTopics = List.of(DashboardTopics.DEFAULT_ALERTS);

    @Option(names = "--dlq-topic", paramLabel = "TOPIC", split = ",",
            description = "Dead-letter topics (default: " + DashboardTopics.DEFAULT_FRAMES_DLQ + ","
                    + DashboardTopics.DEFAULT_ALERTS_DLQ + ").")
    private List<String> dlqTopics = List.of(DashboardTopics.DEFAULT_FRAMES_DLQ, DashboardTopics.DEFAULT_ALERTS_DLQ);

    @Option(names = "--thumbnail-every", defaultValue = "500ms", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "At most one thumbnail per camera this often (default: ${DEFAULT-VALUE}).")
    private Duration thumbnailEvery;

    @Option(names = "--thumbnail-width", defaultValue = "" + DashboardSettings.DEFAULT_THUMBNAIL_WIDTH,
            paramLabel = "PIXELS", description = "Wider frames are scaled down to this (default: ${DEFAULT-VALUE}).")
    private int thumbnailWidth;

    @Option(names = "--max-cameras", defaultValue = "256", paramLabel = "N",
            description = "Cameras held; a new one beyond drops the one heard from least recently"
                    + " (default: ${DEFAULT-VALUE}).")
    private int maxCameras;

    @Option(names = "--alert-history", defaultValue = "500", paramLabel = "N",
            description = "Alerts kept in the feed (default: ${DEFAULT-VALUE}).")
    private int alertHistory;

    @Option(names = "--stalled-after", defaultValue = "5s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "No frame for this long: stalled (default: ${DEFAULT-VALUE}).")
    private Duration stalledAfter;

    @Option(names = "--offline-after", defaultValue = "60s", converter = DurationConverter.class,
            paramLabel = "DURATION", description = "No frame for this long: offline (default: ${DEFAULT-VALUE}).")
    private Duration offlineAfter;

    @Mixin
    private MetricsOptions metricsOptions = new MetricsOptions();

    private final PrintStream out;

    public DashboardCommand() {
        this(System.out);
    }

    DashboardCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DashboardCommand()).execute(args));
    }

    /** The settings the flags say. */
    DashboardSettings settings() {
        return new DashboardSettings(bootstrap, host, port, new DashboardTopics(framesTopic, eventsTopic, posesTopic,
                alertTopics, dlqTopics), group == null ? DashboardSettings.newGroup() : group, jobGroup,
                thumbnailEvery, DashboardSettings.DEFAULT_POSES_EVERY, thumbnailWidth,
                new BoardLimits(maxCameras, alertHistory, BoardLimits.DEFAULTS.tracksPerCamera(), stalledAfter,
                        offlineAfter));
    }

    /**
     * Serves {@code dashboard}'s metrics when {@code --metrics-port} was given.
     *
     * @throws UncheckedIOException when the metrics address cannot be bound
     */
    Optional<MetricsEndpoint> startMetrics(Dashboard dashboard) {
        PrometheusRegistry registry = new PrometheusRegistry();
        DashboardMetrics.register(registry, dashboard.board(), dashboard::pages);
        return metricsOptions.start(registry);
    }

    @Override
    public Integer call() throws InterruptedException {
        DashboardSettings settings;
        try {
            settings = settings();
            metricsOptions.validate();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("clipstream dashboard: " + e.getMessage());
            return 2;
        }
        Dashboard dashboard;
        try {
            dashboard = Dashboard.start(settings, false);
        } catch (IOException e) {
            spec.commandLine().getErr().println("clipstream dashboard: " + e.getMessage());
            return 2;
        }
        Optional<MetricsEndpoint> endpoint;
        try {
            endpoint = startMetrics(dashboard);
        } catch (UncheckedIOException e) {
            dashboard.close();
            spec.commandLine().getErr().println("clipstream dashboard: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            endpoint.ifPresent(MetricsEndpoint::close);
            stopped.countDown();
        }, "clipstream-dashboard-stop"));
        out.println("Dashboard: " + dashboard.url() + "  (Kafka " + settings.bootstrap() + ", job group "
                + settings.jobGroup() + "; Ctrl-C stops)");
        endpoint.ifPresent(e -> out.println("Metrics: " + e.uri()));
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (dashboard.failure().isPresent()) {
                spec.commandLine().getErr().println("clipstream dashboard failed: " + dashboard.failure().get());
                dashboard.close();
                endpoint.ifPresent(MetricsEndpoint::close);
                return 1;
            }
        }
        return 0;
    }
}

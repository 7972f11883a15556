package clipstream.alerts.cli;

import clipstream.alerts.engine.RuleEngine;
import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.pipeline.AlertsConfig;
import clipstream.alerts.pipeline.AlertsService;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.RulesFileException;
import clipstream.alerts.rules.RulesLoader;
import clipstream.common.metrics.MetricsEndpoint;
import clipstream.common.metrics.MetricsOptions;
import clipstream.common.time.DurationConverter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Entry point of {@code ./clipstream alerts}: exit 0 when stopped normally, 2 for bad usage or rules, 1 on failure. */
@Command(name = "alerts", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Consumes labelled clip events, applies the rules file (rules over the events' labels, and camera"
                    + " health rules: offline, degraded, recovered) and emits alerts to Kafka topics, the terminal"
                    + " and webhooks, exactly once in effect. The rules file is reloaded when it changes.",
            "Exit codes: 0 stopped normally (Ctrl-C), 2 bad usage or invalid rules file, 1 runtime failure.",
            "Metrics: --metrics-port PORT serves events read, alerts raised per rule and webhook deliveries and"
                    + " failures per rule for Prometheus at http://127.0.0.1:PORT/metrics (README, section Metrics)."})
public final class AlertsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (comma-separated).")
    private String bootstrap;

    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "Rules file (YAML).")
    private Path rules;

    @Option(names = "--group", paramLabel = "ID", defaultValue = AlertsConfig.DEFAULT_GROUP,
            description = "Consumer group (default: ${DEFAULT-VALUE}); webhooks use GROUP-webhooks.")
    private String group;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "Stable id of this instance, unique within the group (default: the host name). A restart"
                    + " with the same id takes over where the previous run stopped.")
    private String instanceId;

    @Option(names = "--input-topic", paramLabel = "TOPIC", defaultValue = AlertsConfig.DEFAULT_INPUT_TOPIC,
            description = "Clip events to read (default: ${DEFAULT-VALUE}).")
    private String inputTopic;

    @Option(names = "--state-topic", paramLabel = "TOPIC", defaultValue = AlertsConfig.DEFAULT_STATE_TOPIC,
            description = "Compacted topic for rule state (default: ${DEFAULT-VALUE}).")
    private String stateTopic;

    @Option(names = "--dlq-topic", paramLabel = "TOPIC", defaultValue = AlertsConfig.DEFAULT_DLQ_TOPIC,
            description = "Dead letters: undecodable events, undeliverable webhook alerts (default: ${DEFAULT-VALUE}).")
    private String dlqTopic;

    @Option(names = "--dedup-window", paramLabel = "N", defaultValue = "" + RuleEngine.DEFAULT_DEDUP_WINDOW,
            description = "Event ids remembered per camera to drop duplicates (default: ${DEFAULT-VALUE}).")
    private int dedupWindow;

    @Option(names = "--camera-expiry", paramLabel = "DURATION", defaultValue = "24h",
            converter = DurationConverter.class,
            description = {"Forget a camera (its dedup ids and streaks, in memory and on the state topic) after this"
                    + " much event time without an event from it; a running cooldown is kept until it ends. The clock"
                    + " is the latest event time on the camera's input partition. A repeat of an event older than"
                    + " this is no longer recognised as a duplicate. 500ms, 30s, 1.5m, 24h or ISO-8601 such as P7D"
                    + " (default: ${DEFAULT-VALUE})."})
    private Duration cameraExpiry;

    @Option(names = "--max-clock-skew", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = {"An event ending further ahead of the wall clock than this is taken as ending there, so"
                    + " that one camera with a wrong clock cannot move its partition's clock far ahead and make it"
                    + " forget every other camera (see --camera-expiry); such events are counted and logged. Same"
                    + " meaning as the job's flag (default: ${DEFAULT-VALUE})."})
    private Duration maxClockSkew;

    @Option(names = "--max-poll-records", paramLabel = "N", defaultValue = "" + AlertsConfig.DEFAULT_MAX_POLL_RECORDS,
            description = "Events per transaction at most (default: ${DEFAULT-VALUE}).")
    private int maxPollRecords;

    @Option(names = "--webhook-queue", paramLabel = "N", defaultValue = "" + AlertsConfig.DEFAULT_WEBHOOK_QUEUE,
            description = "Alerts waiting per webhook at most; each webhook has its own queue and thread. An alert"
                    + " beyond it is dead-lettered at once (WEBHOOK_FAILED) (default: ${DEFAULT-VALUE}).")
    private int webhookQueue;

    @Option(names = "--read-uncommitted",
            description = {"Read the clip events read_uncommitted: alert as soon as the job writes an event, not when"
                    + " its checkpoint commits it (up to a checkpoint interval later). Trade-off: an event of a"
                    + " transaction the job then aborts (a failure) can raise an alert although it never commits; the"
                    + " alert's event_ids name it. A clip counts once, however often the job's replays write it"
                    + " (within --dedup-window). README, \"Alerts before the commit\" (default: off)."})
    private boolean readUncommitted;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Extra Kafka client property for every client, e.g. --kafka security.protocol=SSL.")
    private Map<String, String> clientOverrides = new LinkedHashMap<>();

    @Option(names = "--check", description = "Only validate the rules file, print the rules and exit.")
    private boolean check;

    @Mixin
    private MetricsOptions metricsOptions = new MetricsOptions();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new AlertsCommand());
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            cl.getErr().println("alerts: " + e);
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (check) {
            return checkOnly(err);
        }
        AlertsConfig config;
        AlertsService service;
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            config = new AlertsConfig(bootstrap, group, Optional.ofNullable(instanceId).orElseGet(AlertsCommand::hostName),
                    inputTopic, stateTopic, dlqTopic, dedupWindow, cameraExpiry, maxClockSkew, maxPollRecords,
                    webhookQueue, clientOverrides, readUncommitted);
            metricsOptions.validate();
            service = new AlertsService(config, rules, TerminalOutput.stdout(), new AlertsMetrics(registry));
        } catch (RulesFileException | IllegalArgumentException e) {
            err.println("alerts: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        Optional<MetricsEndpoint> endpoint;
        try {
            endpoint = metricsOptions.start(registry);
        } catch (UncheckedIOException e) {
            service.close(); // nothing started yet: releases what the constructor made
            err.println("alerts: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        endpoint.ifPresent(e -> {
            err.println("alerts: metrics at " + e.uri());
            err.flush();
        });
        Thread hook = new Thread(() -> {
            try {
                service.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "alerts-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start();
            Optional<Throwable> failure = service.awaitTermination();
            if (failure.isPresent()) {
                err.println("alerts: stopped on failure: " + causes(failure.get()));
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            return CommandLine.ExitCode.OK;
        } catch (RuntimeException e) {
            err.println("alerts: " + causes(e));
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        } finally {
            service.close();
            endpoint.ifPresent(MetricsEndpoint::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
    }

    private int checkOnly(PrintWriter err) {
        try {
            RuleSet ruleSet = RulesLoader.load(rules);
            PrintWriter out = spec.commandLine().getOut();
            ruleSet.rules().forEach(rule -> out.println(rule.name() + ": " + (rule.isHealthRule()
                    ? "camera health (" + rule.health() + "), cameras " + rule.cameras()
                    : "labels " + rule.labels() + ", min-score " + rule.minScore() + ", cameras " + rule.cameras()
                            + ", min-consecutive " + rule.minConsecutive() + ", cooldown " + rule.cooldown())
                    + ", topic " + rule.outputs().topic() + (rule.outputs().stdout() ? ", stdout" : "")
                    + ", webhooks " + rule.outputs().webhooks().size()));
            out.flush();
            return CommandLine.ExitCode.OK;
        } catch (RulesFileException e) {
            err.println("alerts: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
    }

    /** The messages of {@code e} and its causes, e.g. "Failed to create new KafkaAdminClient: Invalid value …". */
    private static String causes(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "alerts-0";
        }
    }
}

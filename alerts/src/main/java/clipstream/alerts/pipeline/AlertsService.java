package clipstream.alerts.pipeline;

import clipstream.alerts.metrics.AlertsMetrics;
import clipstream.alerts.outputs.AlertDeadLetters;
import clipstream.alerts.outputs.TerminalOutput;
import clipstream.alerts.outputs.WebhookClient;
import clipstream.alerts.outputs.WebhookDispatcher;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.RulesFileException;
import clipstream.alerts.rules.RulesLoader;
import clipstream.alerts.rules.RulesWatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole alerting consumer, wired in one place: rules file → {@link AlertsPipeline} (events → alerts on their
 * topics, rule state, offsets; stdout) and {@link WebhookDispatcher} (committed alerts → webhooks or the dead-letter
 * topic), with a {@link RulesWatcher} handing a changed rules file to both.
 */
public final class AlertsService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final AlertsConfig config;
    private final Path rulesFile;
    private final AtomicReference<RuleSet> rules;
    private final AlertsMetrics metrics;
    private final AlertsPipeline pipeline;
    private final WebhookDispatcher dispatcher;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread pipelineThread;
    private Thread dispatcherThread;
    private RulesWatcher watcher;

    /** Loads and validates the rules; nothing is connected yet. */
    public AlertsService(AlertsConfig config, Path rulesFile, TerminalOutput terminal) throws RulesFileException {
        this(config, rulesFile, terminal, AlertsMetrics.unserved());
    }

    /** As {@link #AlertsService(AlertsConfig, Path, TerminalOutput)}, counting into {@code metrics}. */
    public AlertsService(AlertsConfig config, Path rulesFile, TerminalOutput terminal, AlertsMetrics metrics)
            throws RulesFileException {
        this(config, rulesFile, terminal, AlertsPipeline::newProducer, InstantSource.system(), metrics);
    }

    /** @param transactionalProducers makes the event loop's producer from its properties (tests put a faulty one in) */
    AlertsService(AlertsConfig config, Path rulesFile, TerminalOutput terminal,
                  Function<Properties, KafkaProducer<byte[], byte[]>> transactionalProducers)
            throws RulesFileException {
        this(config, rulesFile, terminal, transactionalProducers, InstantSource.system(), AlertsMetrics.unserved());
    }

    /**
     * @param transactionalProducers makes the event loop's producer from its properties (tests put a faulty one in)
     * @param wallClock              the event loop's wall clock (tests move their own): the bound on event times and
     *                               the time of the camera health rules
     */
    AlertsService(AlertsConfig config, Path rulesFile, TerminalOutput terminal,
                  Function<Properties, KafkaProducer<byte[], byte[]>> transactionalProducers, InstantSource wallClock)
            throws RulesFileException {
        this(config, rulesFile, terminal, transactionalProducers, wallClock, AlertsMetrics.unserved());
    }

    private AlertsService(AlertsConfig config, Path rulesFile, TerminalOutput terminal,
                          Function<Properties, KafkaProducer<byte[], byte[]>> transactionalProducers,
                          InstantSource wallClock, AlertsMetrics metrics) throws RulesFileException {
        this.config = config;
        this.rulesFile = rulesFile;
        this.rules = new AtomicReference<>(RulesLoader.load(rulesFile));
        this.metrics = metrics;
        metrics.rulesInForce(rules.get());
        this.pipeline = new AlertsPipeline(config, rules.get(), terminal, transactionalProducers, wallClock, metrics);
        this.dispatcher = new WebhookDispatcher(config.clientProperties(), config.webhookGroup(), rules::get,
                new AlertDeadLetters(config.dlqTopic()), new WebhookClient(), config.webhookQueue(), metrics);
    }

    /** Checks and creates topics, then starts the event loop, the webhook dispatcher and the rules watcher. */
    public synchronized void start() throws IOException {
        TopicSetup.ensure(config, rules.get().alertTopics());
        watcher = RulesWatcher.start(rulesFile, next -> {
            metrics.rulesInForce(next);
            pipeline.reload(next);
            rules.set(next);
        });
        pipelineThread = thread(pipeline, "alerts-pipeline");
        dispatcherThread = thread(dispatcher, "webhook-dispatcher");
    }

    /** The rules in force now. */
    public RuleSet rules() {
        return rules.get();
    }

    /** How many cameras the event loop holds rule state for now (after the last batch, restore or rebalance). */
    public int camerasHeld() {
        return pipeline.camerasHeld();
    }

    /**
     * How many committed events ended more than {@code --max-clock-skew} ahead of the wall clock, and were taken as
     * ending at that bound so that they could not make their partition forget its other cameras.
     */
    public long eventsAheadOfClock() {
        return pipeline.eventsAheadOfClock();
    }

    /** Blocks until the service stops (after {@link #close()} or a failure); returns the failure, if any. */
    public Optional<Throwable> awaitTermination() throws InterruptedException {
        ended.await();
        return Optional.ofNullable(failure.get());
    }

    /** Waits up to {@code timeout} for the service to stop; true if it has. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.warn("Closing the rules watcher: {}", e.toString());
            }
        }
        pipeline.stop();
        dispatcher.stop();
        join(pipelineThread);
        join(dispatcherThread);
        ended.countDown();
    }

    private Thread thread(Runnable task, String name) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("{} failed", name, t);
                failure.compareAndSet(null, t);
                pipeline.stop();
                dispatcher.stop();
            } finally {
                ended.countDown();
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void join(Thread thread) throws InterruptedException {
        if (thread != null) {
            thread.join(STOP_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                LOG.warn("{} did not stop within {} s", thread.getName(), STOP_TIMEOUT.toSeconds());
            }
        }
    }
}

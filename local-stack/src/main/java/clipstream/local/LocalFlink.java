package clipstream.local;

import clipstream.job.ClipstreamJob;
import clipstream.job.runtime.TemporaryCheckpoints;
import clipstream.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster in this JVM (one TaskManager) with its REST API and web UI bound to 127.0.0.1, running a
 * {@link ClipstreamJob} at a time (the demo's one, or the benchmarks' one per measurement). Restarts are off: a
 * failing job fails at once and {@link #failure()} says why. Checkpoints go to a temporary folder removed on close.
 */
public final class LocalFlink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFlink.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** The name the web UI shows, as under {@code ./clipstream job}. */
    private static final String JOB_NAME = "clipstream";
    /** The web UI's usual port, taken when it is free. */
    private static final int PREFERRED_REST_PORT = 8081;

    private final MiniCluster cluster;
    private final URI webUi;
    private final Path checkpoints;
    private JobID jobId;
    private CompletableFuture<JobResult> result;

    private LocalFlink(MiniCluster cluster, URI webUi, Path checkpoints) {
        this.cluster = cluster;
        this.webUi = webUi;
        this.checkpoints = checkpoints;
    }

    /** Starts the cluster with {@code slots} task slots and its web UI on localhost, port 8081 when free. */
    public static LocalFlink start(int slots) throws Exception {
        return start(slots, restPort());
    }

    /**
     * Starts the cluster with {@code slots} task slots, its web UI on localhost (port 8081 when free) and
     * {@code extra} settings on top, such as a metrics reporter ({@code JobMetricsReporter.prometheus(port)}).
     */
    public static LocalFlink start(int slots, Configuration extra) throws Exception {
        return start(slots, restPort(), extra);
    }

    /**
     * Starts the cluster with {@code slots} task slots and its REST API on {@code restPort} (0: any free port).
     * Jobs may follow each other on it (the benchmarks run one per measurement, as a deployment keeps its cluster).
     */
    public static LocalFlink start(int slots, int restPort) throws Exception {
        return start(slots, restPort, new Configuration());
    }

    /** As {@link #start(int, int)}, with {@code extra} settings on top (a metrics reporter, say). */
    public static LocalFlink start(int slots, int restPort, Configuration extra) throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, restPort);
        // the REST side refreshes its metric store every 10 s by default: a job that follows another would read the
        // previous job's metrics, or none, for that long
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        // the job keeps no large state and no batch operator uses managed memory: small fixed pools
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
        // checkpoints on disk, removed on close: clip state (up to a clip of raw frames per camera) outgrows the
        // 5 MiB per task that the JobManager-memory default accepts at about a dozen cameras
        Path checkpoints = TemporaryCheckpoints.create();
        config.addAll(ClipstreamJob.checkpointStorage(checkpoints.toUri().toString()));
        config.addAll(extra);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        try {
            cluster.start();
            URI webUi = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
            LOG.info("Flink web UI on {}", webUi);
            return new LocalFlink(cluster, webUi, checkpoints);
        } catch (Exception e) {
            cluster.close();
            TemporaryCheckpoints.delete(checkpoints);
            throw e;
        }
    }

    private static int restPort() throws IOException {
        try {
            new ServerSocket(PREFERRED_REST_PORT, 1, InetAddress.getByName("127.0.0.1")).close();
            return PREFERRED_REST_PORT;
        } catch (IOException taken) {
            return EmbeddedKafka.freeLoopbackPort();
        }
    }

    /** The web UI (and REST API), e.g. {@code http://127.0.0.1:8081}. */
    public URI webUi() {
        return webUi;
    }

    /**
     * Submits the job and waits until every task is running (its operators opened, the model loaded); fails with
     * the job's own exception if it fails first.
     */
    public JobID run(ClipstreamJob job, Duration timeout) throws Exception {
        if (result != null && !result.isDone()) {
            throw new IllegalStateException("Job " + jobId + " still runs: cancel it first");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        job.configure(env);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(JOB_NAME);
        jobId = cluster.submitJob(graph).get(timeout.toMillis(), TimeUnit.MILLISECONDS).getJobID();
        result = cluster.requestJobResult(jobId);
        awaitAllTasksRunning(timeout);
        return jobId;
    }

    private void awaitAllTasksRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allTasksRunning()) {
            failure().ifPresent(cause -> {
                throw new IllegalStateException("The clipstream job failed while starting: " + cause, cause);
            });
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("The clipstream job's tasks were not all running within "
                        + timeout.toSeconds() + " s (see " + webUi + ")");
            }
            try {
                result.get(POLL.toMillis(), TimeUnit.MILLISECONDS); // returns early only when the job ended
            } catch (TimeoutException stillRunning) {
                // poll again
            }
        }
    }

    private boolean allTasksRunning() throws Exception {
        if (cluster.getJobStatus(jobId).get() != JobStatus.RUNNING) {
            return false;
        }
        AccessExecutionGraph graph = cluster.getArchivedExecutionGraph(jobId).get();
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** Why the job ended on its own (failed, or finished while it should run), if it has. */
    public Optional<Throwable> failure() {
        if (result == null || !result.isDone()) {
            return Optional.empty();
        }
        try {
            JobResult ended = result.get();
            return Optional.of(ended.getSerializedThrowable()
                    .<Throwable>map(t -> t.deserializeError(getClass().getClassLoader()))
                    .orElseGet(() -> new IllegalStateException("The clipstream job ended with status "
                            + ended.getApplicationStatus())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    /** Completes when the job ends, for whatever reason. */
    public CompletableFuture<JobResult> termination() {
        if (result == null) {
            throw new IllegalStateException("No job submitted");
        }
        return result;
    }

    /** Cancels the job (if it runs) and waits until it has ended. */
    public void cancel(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        if (result == null || result.isDone()) {
            return;
        }
        cluster.cancelJob(jobId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Cancels the job if needed and stops the cluster, its web UI included. */
    @Override
    public void close() {
        try {
            cancel(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Cancelling the clipstream job: {} (stopping the cluster anyway)", e.toString());
        } finally {
            cluster.closeAsync().join();
            TemporaryCheckpoints.delete(checkpoints);
        }
    }
}

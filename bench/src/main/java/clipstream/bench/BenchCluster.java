package clipstream.bench;

import clipstream.job.ClipstreamJob;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster for the benchmark runs of the clipstream job, one job at a time, set up like
 * {@code LocalFlink} (one TaskManager, REST API on 127.0.0.1, restarts off) except for one thing: checkpoints go to files in a temporary folder. The
 * JobManager-memory checkpoint storage that {@code LocalFlink} leaves in place refuses state above 5 MiB, and the clip
 * assembler keeps up to one clip per camera (393 KiB at 32×64×64×3): 14 cameras or a drained backlog fail the first
 * checkpoint.
 */
final class BenchCluster implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final MiniCluster cluster;
    private final URI webUi;
    private final Path checkpoints;
    private JobID jobId;
    private CompletableFuture<JobResult> result;

    private BenchCluster(MiniCluster cluster, URI webUi, Path checkpoints) {
        this.cluster = cluster;
        this.webUi = webUi;
        this.checkpoints = checkpoints;
    }

    static BenchCluster start(int slots) throws Exception {
        Path checkpoints = Files.createTempDirectory("clipstream-bench-checkpoints-");
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, 0);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
        // jobs follow each other on this cluster: the REST side must fetch the new job's metrics, not wait 10 s
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        try {
            cluster.start();
            return new BenchCluster(cluster, cluster.getRestAddress().get(30, TimeUnit.SECONDS), checkpoints);
        } catch (Exception e) {
            cluster.close();
            deleteRecursively(checkpoints);
            throw e;
        }
    }

    URI webUi() {
        return webUi;
    }

    /** Submits the job and waits until all its tasks run (the model loaded), or fails with the job's reason. */
    JobID run(ClipstreamJob job, Duration timeout) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        job.configure(env);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("clipstream");
        jobId = cluster.submitJob(graph).get(timeout.toMillis(), TimeUnit.MILLISECONDS).getJobID();
        result = cluster.requestJobResult(jobId);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allTasksRunning()) {
            failure().ifPresent(cause -> {
                throw new IllegalStateException("The clipstream job failed while starting: " + cause, cause);
            });
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("The job's tasks were not all running within " + timeout.toSeconds() + " s");
            }
            try {
                result.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // poll again
            }
        }
        return jobId;
    }

    private boolean allTasksRunning() throws Exception {
        if (cluster.getJobStatus(jobId).get() != JobStatus.RUNNING) {
            return false;
        }
        for (AccessExecutionVertex vertex : cluster.getArchivedExecutionGraph(jobId).get().getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** Why the job ended on its own, if it has. */
    Optional<Throwable> failure() {
        if (result == null || !result.isDone()) {
            return Optional.empty();
        }
        try {
            JobResult ended = result.get();
            return Optional.of(ended.getSerializedThrowable()
                    .<Throwable>map(t -> t.deserializeError(getClass().getClassLoader()))
                    .orElseGet(() -> new IllegalStateException("The job ended with status " + ended.getApplicationStatus())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(e);
        } catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }

    /** Cancels the current job if it still runs and waits until it has ended, so the next one gets its slots. */
    void endJob() throws Exception {
        if (result != null && !result.isDone()) {
            cluster.cancelJob(jobId).get(30, TimeUnit.SECONDS);
            result.get(30, TimeUnit.SECONDS);
        }
        result = null;
        jobId = null;
    }

    @Override
    public void close() throws Exception {
        try {
            endJob();
        } finally {
            cluster.closeAsync().join();
            deleteRecursively(checkpoints);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

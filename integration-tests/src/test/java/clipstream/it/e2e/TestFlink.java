package clipstream.it.e2e;

import clipstream.job.ClipstreamJob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster for the end-to-end tests: one TaskManager, REST API on a free loopback port, restarts off
 * unless a job asks for them, checkpoints in a temporary folder, short heartbeats so a lost TaskManager is noticed
 * at once. Unlike the demo's {@code LocalFlink} it runs several jobs, lets a test kill and replace its TaskManager,
 * and reads the REST API.
 */
final class TestFlink implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MiniCluster cluster;
    private final URI rest;
    private final Path checkpoints;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** TaskManagers started in this cluster's life, the first included: the newest has index this − 1. */
    private int taskManagersStarted = 1;

    private TestFlink(MiniCluster cluster, URI rest, Path checkpoints) {
        this.cluster = cluster;
        this.rest = rest;
        this.checkpoints = checkpoints;
    }

    /** Starts one TaskManager with {@code slots} slots. */
    static TestFlink start(int slots) throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, freePort());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("16m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("32m"));
        config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("32m"));
        config.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        config.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, Duration.ofSeconds(5));
        // metrics read through the REST API are at most this old
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build());
        Path checkpoints = Files.createTempDirectory("clipstream-e2e-checkpoints-");
        try {
            cluster.start();
            return new TestFlink(cluster, cluster.getRestAddress().get(30, TimeUnit.SECONDS), checkpoints);
        } catch (Exception e) {
            cluster.close();
            deleteRecursively(checkpoints);
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Submits the job with {@code jobSettings} (restart strategy and the like) on top of the cluster's. */
    RunningJob submit(ClipstreamJob job, Configuration jobSettings) throws Exception {
        Configuration settings = new Configuration(jobSettings);
        // checkpoints on disk, as --checkpoint-dir does on a cluster: the JobManager-memory default caps a task's
        // state at 5 MB, and a burst of frames (a pre-filled topic) parks megabytes of frames in the clip assembler
        settings.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        settings.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        job.configure(env);
        job.build(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("clipstream-e2e");
        var id = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
        return new RunningJob(cluster, id, this);
    }

    /** Submits the job with restarts off: its first failure fails it. */
    RunningJob submit(ClipstreamJob job) throws Exception {
        return submit(job, new Configuration());
    }

    /**
     * Shuts the newest TaskManager down (as if its process died: its tasks fail). The cluster keeps one TaskManager
     * alive at a time (a test replaces the one it shuts down), so the newest is the one running the jobs; the
     * MiniCluster keeps the ones shut down in its list, under their first index.
     */
    void terminateTaskManager() throws Exception {
        cluster.terminateTaskManager(taskManagersStarted - 1).get(60, TimeUnit.SECONDS);
    }

    /** Starts one more TaskManager (it registers with the ResourceManager and offers its slots). */
    void startTaskManager() throws Exception {
        cluster.startTaskManager();
        taskManagersStarted++;
    }

    /** GET {@code path} of the REST API, as JSON. */
    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        try {
            cluster.closeAsync().join();
        } finally {
            deleteRecursively(checkpoints);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }
}

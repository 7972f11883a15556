package clipstream.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * One submitted job, watched the way the tests need: {@link #check()} throws with the job's own exception as soon
 * as it has failed, ended or (unless restarts are expected) restarted, so a test waiting for output fails at once
 * instead of at its deadline.
 */
final class RunningJob implements AutoCloseable {
    private static final long POLL_MS = 100;

    private final MiniCluster cluster;
    private final JobID id;
    private final TestFlink flink;
    private final CompletableFuture<JobResult> result;
    private boolean restartsExpected;

    RunningJob(MiniCluster cluster, JobID id, TestFlink flink) {
        this.cluster = cluster;
        this.id = id;
        this.flink = flink;
        this.result = cluster.requestJobResult(id);
    }

    JobID id() {
        return id;
    }

    /** From now on a restart is what the test caused: {@link #check()} lets it pass (a failed job still fails). */
    void expectRestarts() {
        restartsExpected = true;
    }

    JobStatus status() throws Exception {
        return cluster.getJobStatus(id).get(30, TimeUnit.SECONDS);
    }

    AccessExecutionGraph graph() throws Exception {
        return cluster.getExecutionGraph(id).get(30, TimeUnit.SECONDS);
    }

    /** The latest failure the job recovered from (or died of), if any. */
    Optional<Throwable> lastFailure() throws Exception {
        ErrorInfo info = graph().getFailureInfo();
        return Optional.ofNullable(info).map(i -> i.getException().deserializeError(getClass().getClassLoader()));
    }

    /** The highest attempt number of any task: 0 until the job has restarted. */
    int maxAttemptNumber() throws Exception {
        int max = 0;
        for (AccessExecutionVertex vertex : graph().getAllExecutionVertices()) {
            max = Math.max(max, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }

    /** The root exceptions of the job's exception history (REST {@code /jobs/:id/exceptions}), newest first. */
    List<String> exceptionHistory() throws Exception {
        List<String> roots = new ArrayList<>();
        JsonNode entries = flink.rest("/jobs/" + id + "/exceptions").path("exceptionHistory").path("entries");
        for (JsonNode entry : entries) {
            roots.add(entry.path("exceptionName").asText() + ": " + entry.path("stacktrace").asText());
        }
        return roots;
    }

    /**
     * The sum over the subtasks of the job vertex whose name contains {@code vertexName} of the metric whose
     * REST id ends with {@code .metricName} (operator metrics are named {@code subtask.operator.metric}); empty
     * while the REST API does not list it yet.
     */
    Optional<Double> metric(String vertexName, String metricName) throws Exception {
        String vertex = vertexId(vertexName);
        String base = "/jobs/" + id + "/vertices/" + vertex + "/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : flink.rest(base)) {
            String metricId = metric.path("id").asText();
            if (metricId.endsWith("." + metricName)) {
                ids.add(metricId);
            }
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        double sum = 0;
        for (JsonNode value : flink.rest(base + "?get=" + String.join(",", ids))) {
            sum += value.path("value").asDouble();
        }
        return Optional.of(sum);
    }

    /** Polls {@link #metric} until {@code done} holds for its value (checking the job between polls). */
    double awaitMetric(String vertexName, String metricName, java.util.function.DoublePredicate done,
                       Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            check();
            Optional<Double> value = metric(vertexName, metricName);
            if (value.isPresent() && done.test(value.get())) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Metric " + metricName + " of '" + vertexName + "' is " + value + " after "
                        + timeout.toSeconds() + " s");
            }
            waitForResult(200);
        }
    }

    /** The id of the job vertex whose name contains {@code namePart} (e.g. "Source: frames"). */
    String vertexId(String namePart) throws Exception {
        for (JsonNode vertex : flink.rest("/jobs/" + id).path("vertices")) {
            if (vertex.path("name").asText().contains(namePart)) {
                return vertex.path("id").asText();
            }
        }
        throw new AssertionError("No job vertex named like '" + namePart + "'");
    }

    /** Throws with the job's exception if it ended, or restarted while no restart was expected. */
    void check() throws Exception {
        if (result.isDone()) {
            throw new AssertionError("The job ended while it should run: " + describe(result.get()), cause(result.get()));
        }
        if (!restartsExpected) {
            Optional<Throwable> failure = lastFailure();
            if (failure.isPresent()) {
                throw new AssertionError("The job failed or restarted unexpectedly: " + failure.get(), failure.get());
            }
        }
    }

    /** Waits until every task of the job is running (operators opened, the model loaded). */
    void awaitAllTasksRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allTasksRunning()) {
            check();
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("The job's tasks were not all running within " + timeout.toSeconds() + " s");
            }
            waitForResult(POLL_MS);
        }
    }

    private boolean allTasksRunning() throws Exception {
        if (status() != JobStatus.RUNNING) {
            return false;
        }
        for (AccessExecutionVertex vertex : graph().getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /** Waits for a bounded job to finish; throws at once with its exception if it fails. */
    void awaitFinished(Duration timeout) throws Exception {
        JobResult ended;
        try {
            ended = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("The bounded job did not finish within " + timeout.toSeconds() + " s (status "
                    + status() + ")");
        }
        if (!ended.isSuccess()) {
            throw new AssertionError("The job failed: " + describe(ended), cause(ended));
        }
    }

    /** Sleeps at most {@code millis}, returning early when the job ends: a poll interval that notices the end. */
    void waitForResult(long millis) throws InterruptedException {
        try {
            result.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException still) {
            // not ended (or the result itself failed; check() reports it)
        }
    }

    private Throwable cause(JobResult ended) {
        return ended.getSerializedThrowable().map(t -> t.deserializeError(getClass().getClassLoader())).orElse(null);
    }

    private String describe(JobResult ended) {
        Throwable cause = cause(ended);
        return ended.getApplicationStatus() + (cause == null ? "" : " (" + cause + ")");
    }

    /** Cancels the job if it still runs and waits until it has ended. */
    @Override
    public void close() throws Exception {
        if (!result.isDone()) {
            cluster.cancelJob(id).get(30, TimeUnit.SECONDS);
            try {
                result.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException ignored) {
                // cancelled
            }
        }
    }
}

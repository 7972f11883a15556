package clipstream.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The few calls of Flink's REST API the test needs: cluster overview, job status, vertices, checkpoints, exceptions. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    FlinkRest(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " -> HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** {@code /overview}: registered TaskManagers. */
    int taskManagers() throws IOException, InterruptedException {
        return get("/overview").path("taskmanagers").asInt();
    }

    /** {@code /jobs/ID}: the job's state (RUNNING, RESTARTING, FAILED ...). */
    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The names of the job's vertices (chained operators joined by Flink's " -> "). */
    List<String> vertexNames(String jobId) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            names.add(vertex.path("name").asText());
        }
        return names;
    }

    /** Whether the job is RUNNING with every task of every vertex RUNNING. */
    boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        return allTasksRunningSince(jobId, 0);
    }

    /**
     * Whether the job is RUNNING with every task of every vertex RUNNING, each vertex's tasks started (deployed) at or
     * after {@code epochMs}: one snapshot of {@code /jobs/ID}, so a view the REST cache kept from before a failure
     * cannot pass for a recovery.
     */
    boolean allTasksRunningSince(String jobId, long epochMs) throws IOException, InterruptedException {
        JsonNode job = get("/jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()
                    || vertex.path("start-time").asLong() < epochMs) {
                return false;
            }
        }
        return true;
    }

    /** The TaskManager ids running the job's tasks now (from each vertex's {@code taskmanagers} view). */
    List<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                if (tm.path("status").asText().equals("RUNNING")) {
                    String id = tm.path("taskmanager-id").asText();
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }

    /** The job's {@code numRestarts} metric (0 while the metric is not reported yet; updated every few seconds). */
    long restarts(String jobId) throws IOException, InterruptedException {
        for (JsonNode metric : get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return metric.path("value").asLong();
        }
        return 0;
    }

    /** Failures of the job so far (root causes in its exception history): known as soon as a task fails. */
    int failures(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions?maxExceptions=50").path("exceptionHistory").path("entries").size();
    }

    /** {@code /jobs/ID/checkpoints}: counts (completed, restored, failed ...). */
    JsonNode checkpointCounts(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts");
    }

    /** {@code /jobs/ID/checkpoints}: the latest restored checkpoint, a missing node when none. */
    JsonNode latestRestore(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
    }

    /** The job's root exceptions, newest first, as Flink's exception history has them (stack traces shortened). */
    String exceptions(String jobId) {
        try {
            StringBuilder text = new StringBuilder();
            for (JsonNode entry : get("/jobs/" + jobId + "/exceptions?maxExceptions=5").path("exceptionHistory")
                    .path("entries")) {
                String trace = entry.path("stacktrace").asText();
                text.append("- ").append(entry.path("exceptionName").asText()).append(" on ")
                        .append(entry.path("taskName").asText("(job)")).append(" at ")
                        .append(entry.path("taskManagerId").asText("?")).append(":\n")
                        .append(trace, 0, Math.min(trace.length(), 3000)).append('\n');
            }
            return text.length() == 0 ? "(no exception recorded)" : text.toString();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "(cannot read the job's exceptions: " + e + ")";
        }
    }
}

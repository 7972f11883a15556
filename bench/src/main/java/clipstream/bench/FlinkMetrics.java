package clipstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads a running job's operator metrics through Flink's REST API (what the web UI shows), e.g. the inference
 * operator's latency histograms as {@code batchWaitMs_p95}. The REST side refreshes metrics at most every
 * metrics.fetcher.update-interval (10 s by default, 500 ms on the bench's cluster), and only when asked, so
 * {@link #fresh} asks until what it gets is complete.
 */
final class FlinkMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI webUi;
    private final String jobId;

    FlinkMetrics(URI webUi, String jobId) {
        this.webUi = webUi;
        this.jobId = jobId;
    }

    /**
     * Metrics of the job vertex whose name contains {@code vertexName}, by metric name ({@code batchWaitMs_p95}),
     * keeping those whose name starts with one of {@code prefixes}; of a parallel vertex, subtask 0's.
     */
    Map<String, Double> fresh(String vertexName, List<String> prefixes, Predicate<Map<String, Double>> complete,
                              Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Double> values = read(vertexName, prefixes); // each read asks the REST side for a fresh fetch
        while (!complete.test(values) && System.nanoTime() < deadline) {
            Thread.sleep(250); // polling the REST API towards a deadline; the caller reports what it got
            values = read(vertexName, prefixes);
        }
        return values;
    }

    Map<String, Double> read(String vertexName, List<String> prefixes) throws IOException, InterruptedException {
        Map<String, Double> values = new TreeMap<>();
        matching(vertexName, id -> prefixes.stream().anyMatch(p -> shortName(id).startsWith(p)))
                .forEach((id, value) -> values.put(shortName(id), value));
        return values;
    }

    /**
     * Subtask 0's metrics of the job vertex whose name contains {@code vertexName} whose id (without the subtask
     * prefix, e.g. {@code Source__frames.KafkaSourceReader.commitsFailed}) passes {@code wanted}, by id.
     */
    Map<String, Double> matching(String vertexName, Predicate<String> wanted) throws IOException, InterruptedException {
        String vertex = null;
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(vertexName)) {
                vertex = v.path("id").asText();
            }
        }
        if (vertex == null) {
            throw new IllegalStateException("No job vertex named like '" + vertexName + "'");
        }
        String base = "/jobs/" + jobId + "/vertices/" + vertex + "/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : get(base)) {
            String id = metric.path("id").asText();
            if (id.startsWith("0.") && wanted.test(id.substring(2))) {
                ids.add(id);
            }
        }
        Map<String, Double> values = new TreeMap<>();
        if (ids.isEmpty()) {
            return values;
        }
        for (JsonNode metric : get(base + "?get=" + URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8))) {
            try {
                values.put(metric.path("id").asText().substring(2), Double.parseDouble(metric.path("value").asText()));
            } catch (NumberFormatException notANumber) {
                // e.g. a histogram field that has no value yet
            }
        }
        return values;
    }

    /** Bytes of state in the job's latest completed checkpoint; -1 when none has completed. */
    long latestCheckpointStateBytes() throws IOException, InterruptedException {
        JsonNode completed = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return completed.isMissingNode() || completed.isNull() ? -1 : completed.path("state_size").asLong(-1);
    }

    /**
     * A completed checkpoint: its id, when it was triggered (epoch ms: the source's offsets are taken then), its
     * state in bytes and how long it took end to end; with the job's count of failed checkpoints so far.
     */
    record Checkpoint(long id, long triggeredAt, long stateBytes, long durationMs, long failed) {
        static final Checkpoint NONE = new Checkpoint(-1, -1, -1, -1, 0);
    }

    /** The latest completed checkpoint; {@link Checkpoint#NONE} when none has completed. */
    Checkpoint latestCheckpoint() throws IOException, InterruptedException {
        JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
        JsonNode completed = checkpoints.path("latest").path("completed");
        if (completed.isMissingNode() || completed.isNull()) {
            return Checkpoint.NONE;
        }
        return new Checkpoint(completed.path("id").asLong(-1), completed.path("trigger_timestamp").asLong(-1),
                completed.path("state_size").asLong(-1), completed.path("end_to_end_duration").asLong(-1),
                checkpoints.path("counts").path("failed").asLong(0));
    }

    /** The metric's own name; a histogram's median is called p50 here, like the other percentiles. */
    private static String shortName(String id) {
        return id.substring(id.lastIndexOf('.') + 1).replaceFirst("_median$", "_p50");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(webUi.resolve(path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}

package clipstream.local.demo;

import clipstream.common.stats.Percentiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a demo run did, end to end: frames ingested, clips they make, events read back (read_committed), how many
 * were right, alerts, dead letters and the latency from a clip's last capture time to its event being read.
 *
 * @param frames       frames acknowledged by Kafka, all cameras
 * @param clips        complete clips those frames make (clip length and stride of the job): the events expected
 * @param events       distinct clip events read from the events topic (read_committed)
 * @param duplicates   events read again with an id already seen (0 with exactly-once)
 * @param scorable     events of synthetic clips that lie inside one segment (ground truth known)
 * @param correct      scorable events whose label is the ground truth
 * @param alerts       alerts on the alert topics (read_committed)
 * @param deadLetters  records on the dead-letter topic
 * @param p50LatencyMs median of event read time − the clip's last capture time; -1 without events
 * @param p99LatencyMs 99th percentile of the same; -1 without events
 * @param posedFrames  frames the people path posed (records on the poses topic); -1 when the path is off
 * @param peopleSeen   people in those frames, summed over frames
 * @param tracks       distinct confirmed person tracks (camera, track id)
 */
public record DemoSummary(long frames, long clips, long events, long duplicates, long scorable, long correct,
                          long alerts, long deadLetters, long p50LatencyMs, long p99LatencyMs,
                          Map<String, Long> deadLettersByReason, String model, String modelVersion, String webUi,
                          double seconds, List<CameraLine> cameras, long posedFrames, long peopleSeen, long tracks) {

    /** One camera's part. */
    public record CameraLine(String id, String source, String state, long frames, long dropped, long clips) {
    }

    static DemoSummary of(List<CameraLine> cameras, EventTally.Counts counts, String model, String modelVersion,
                          String webUi, double seconds) {
        Percentiles latency = Percentiles.of(counts.latenciesMs());
        return new DemoSummary(cameras.stream().mapToLong(CameraLine::frames).sum(),
                cameras.stream().mapToLong(CameraLine::clips).sum(), counts.events(), counts.duplicates(),
                counts.scorable(), counts.correct(), counts.alerts(), counts.deadLetters(),
                (long) latency.p50(), (long) latency.p99(), counts.deadLettersByReason(), model, modelVersion,
                webUi, seconds, List.copyOf(cameras), counts.posedFrames(), counts.peopleSeen(), counts.tracks());
    }

    /** The one summary line; with the people path on, its counts follow. */
    public String line() {
        String line = String.format(Locale.ROOT, "frames=%d clips=%d events=%d correct=%d alerts=%d dead_letters=%d"
                        + " p50_latency_ms=%d p99_latency_ms=%d", frames, clips, events, correct, alerts, deadLetters,
                p50LatencyMs, p99LatencyMs);
        return posedFrames < 0 ? line : line + String.format(Locale.ROOT, " posed_frames=%d people_seen=%d tracks=%d",
                posedFrames, peopleSeen, tracks);
    }

    /** Share of scorable events labelled right, 0..1 (0 when none is scorable). */
    public double accuracy() {
        return scorable == 0 ? 0 : (double) correct / scorable;
    }

    /** Writes the summary as JSON, creating the folder. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("frames", frames);
        json.put("clips", clips);
        json.put("events", events);
        json.put("duplicates", duplicates);
        json.put("scorable", scorable);
        json.put("correct", correct);
        json.put("accuracy", accuracy());
        json.put("alerts", alerts);
        json.put("dead_letters", deadLetters);
        json.put("dead_letters_by_reason", deadLettersByReason);
        json.put("p50_latency_ms", p50LatencyMs);
        json.put("p99_latency_ms", p99LatencyMs);
        json.put("model", model);
        json.put("model_version", modelVersion);
        json.put("web_ui", webUi);
        json.put("seconds", seconds);
        json.put("cameras", cameras);
        if (posedFrames >= 0) {
            json.put("posed_frames", posedFrames);
            json.put("people_seen", peopleSeen);
            json.put("tracks", tracks);
            json.put("poses_per_s", seconds > 0 ? posedFrames / seconds : 0);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }
}

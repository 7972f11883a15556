package clipstream.local.demo;

import clipstream.common.stats.Percentiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a demo run did, end to end: frames ingested, clips they make, events read back (read_committed), how many
 * were right, alerts, dead letters and the latency from a clip's last capture time to its event being read; with the
 * people path, its poses and tracks, and per camera its person events: labels, tracks and each track's labels.
 *
 * @param frames       frames (pose frames, for synthetic people cameras) acknowledged by Kafka, all cameras
 * @param clips        complete whole-frame clips those frames make (clip length and stride of the job): the
 *                     whole-frame events expected
 * @param events       distinct clip events read from the events topic (read_committed), whole-frame and person events
 * @param duplicates   events read again with an id already seen (0 with exactly-once)
 * @param scorable     events with a known ground truth: synthetic clips that lie inside one segment, and persons'
 *                     clips on synthetic people cameras in which one person did one action in 7/8 of the pose frames
 * @param correct      scorable events whose label is the ground truth
 * @param alerts       alerts on the alert topics (read_committed)
 * @param deadLetters  records on the dead-letter topic
 * @param p50LatencyMs median of event read time − the clip's last capture time; -1 without events
 * @param p99LatencyMs 99th percentile of the same; -1 without events
 * @param posedFrames  frames the people path posed (records on the poses topic); -1 when the path is off
 * @param peopleSeen   people in those frames, summed over frames
 * @param tracks       distinct confirmed person tracks on the poses topic (camera, track id)
 * @param people       per camera of the people path: its person events and tracks
 * @param peopleModel  the people model that labelled persons' clips; null when none did
 * @param peopleModelVersion its version when the run started; null when none
 */
public record DemoSummary(long frames, long clips, long events, long duplicates, long scorable, long correct,
                          long alerts, long deadLetters, long p50LatencyMs, long p99LatencyMs,
                          Map<String, Long> deadLettersByReason, String model, String modelVersion, String webUi,
                          double seconds, List<CameraLine> cameras, long posedFrames, long peopleSeen, long tracks,
                          Map<String, CameraPeople> people, String peopleModel, String peopleModelVersion) {

    /** One camera's part. */
    public record CameraLine(String id, String source, String state, long frames, long dropped, long clips) {
    }

    /**
     * One camera's people: its person events (those with a ground truth, and the right ones among them), their
     * labels, its tracks (distinct track ids on the poses topic or in person events, and each of those alone), each
     * track's labels in clip order, and for the events with a ground truth, the labels given to each true action.
     */
    public record CameraPeople(long personEvents, long scorable, long correct, Map<String, Long> labels, long tracks,
                               long tracksInPoses, long tracksInEvents, Map<Long, List<String>> trackLabels,
                               Map<String, Map<String, Long>> confusion) {
        public CameraPeople {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
            trackLabels = Collections.unmodifiableMap(new TreeMap<>(trackLabels));
            confusion = Collections.unmodifiableMap(new TreeMap<>(confusion));
        }
    }

    static DemoSummary of(List<CameraLine> cameras, EventTally.Counts counts, String model, String modelVersion,
                          String webUi, double seconds) {
        return of(cameras, counts, model, modelVersion, webUi, seconds, null, null);
    }

    /** {@code peopleModel}, {@code peopleModelVersion}: the people model that labelled persons' clips, or nulls. */
    static DemoSummary of(List<CameraLine> cameras, EventTally.Counts counts, String model, String modelVersion,
                          String webUi, double seconds, String peopleModel, String peopleModelVersion) {
        Percentiles latency = Percentiles.of(counts.latenciesMs());
        return new DemoSummary(cameras.stream().mapToLong(CameraLine::frames).sum(),
                cameras.stream().mapToLong(CameraLine::clips).sum(), counts.events(), counts.duplicates(),
                counts.scorable(), counts.correct(), counts.alerts(), counts.deadLetters(),
                (long) latency.p50(), (long) latency.p99(), counts.deadLettersByReason(), model, modelVersion,
                webUi, seconds, List.copyOf(cameras), counts.posedFrames(), counts.peopleSeen(), counts.tracks(),
                Collections.unmodifiableMap(new TreeMap<>(counts.people())), peopleModel, peopleModelVersion);
    }

    /**
     * The one summary line; with the people path on, its counts follow, and with a people model, its person events
     * (those with a ground truth, and the right ones among them).
     */
    public String line() {
        String line = String.format(Locale.ROOT, "frames=%d clips=%d events=%d correct=%d alerts=%d dead_letters=%d"
                        + " p50_latency_ms=%d p99_latency_ms=%d", frames, clips, events, correct, alerts, deadLetters,
                p50LatencyMs, p99LatencyMs);
        if (posedFrames < 0) {
            return line;
        }
        line += String.format(Locale.ROOT, " posed_frames=%d people_seen=%d tracks=%d", posedFrames, peopleSeen,
                tracks);
        return peopleModel == null ? line : line + String.format(Locale.ROOT,
                " person_events=%d person_scorable=%d person_correct=%d", personEvents(), personScorable(),
                personCorrect());
    }

    /**
     * Per camera of the people path, what its people did: a line with its person events, tracks and label
     * histogram, then one line per track with the labels it was given, in clip order ({@code track 7: walk walk
     * stand}); last, when some person events had a ground truth, the labels each true action was given. Empty when
     * the people path is off.
     */
    public List<String> peopleLines() {
        List<String> lines = new ArrayList<>();
        people.forEach((camera, seen) -> {
            String right = seen.scorable() == 0 ? ""
                    : String.format(Locale.ROOT, " (%d of %d with a ground truth right)", seen.correct(),
                            seen.scorable());
            String labels = seen.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            lines.add(String.format(Locale.ROOT, "%s: %d person events%s, %d tracks (%d on the poses topic, %d in"
                            + " person events)%s", camera, seen.personEvents(), right, seen.tracks(),
                    seen.tracksInPoses(), seen.tracksInEvents(), labels.isEmpty() ? "" : "; labels " + labels));
            seen.trackLabels().forEach((track, given) -> lines.add("  track " + track + ": " + String.join(" ", given)));
        });
        Map<String, Map<String, Long>> confusion = personConfusion();
        if (!confusion.isEmpty()) {
            lines.add("person events with a ground truth, true action: labels given: " + confusion.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue().entrySet().stream()
                            .map(given -> given.getKey() + "=" + given.getValue()).collect(Collectors.joining(" ")))
                    .collect(Collectors.joining("; ")));
        }
        return lines;
    }

    /** For the person events with a ground truth, all cameras: true action → label given → events. */
    public Map<String, Map<String, Long>> personConfusion() {
        Map<String, Map<String, Long>> confusion = new TreeMap<>();
        people.values().forEach(seen -> seen.confusion().forEach((truth, given) -> given.forEach((label, count) ->
                confusion.computeIfAbsent(truth, t -> new TreeMap<>()).merge(label, count, Long::sum))));
        return confusion;
    }

    public long personEvents() {
        return people.values().stream().mapToLong(CameraPeople::personEvents).sum();
    }

    public long personScorable() {
        return people.values().stream().mapToLong(CameraPeople::scorable).sum();
    }

    public long personCorrect() {
        return people.values().stream().mapToLong(CameraPeople::correct).sum();
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
            json.put("people_model", peopleModel);
            json.put("people_model_version", peopleModelVersion);
            json.put("person_events", personEvents());
            json.put("person_scorable", personScorable());
            json.put("person_correct", personCorrect());
            json.put("person_accuracy", personScorable() == 0 ? 0 : (double) personCorrect() / personScorable());
            json.put("person_confusion", personConfusion());
            Map<String, Object> byCamera = new TreeMap<>();
            people.forEach((camera, seen) -> byCamera.put(camera, json(seen)));
            json.put("people_by_camera", byCamera);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private static Map<String, Object> json(CameraPeople seen) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("person_events", seen.personEvents());
        json.put("person_scorable", seen.scorable());
        json.put("person_correct", seen.correct());
        json.put("labels", seen.labels());
        json.put("tracks", seen.tracks());
        json.put("tracks_in_poses", seen.tracksInPoses());
        json.put("tracks_in_events", seen.tracksInEvents());
        json.put("track_labels", seen.trackLabels());
        json.put("confusion", seen.confusion());
        return json;
    }
}

package clipstream.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The topics the dashboard reads: the job's input and outputs and the alerting consumer's. Named as the pipeline's
 * commands name them by default ({@code ./clipstream job}, {@code alerts}); a topic that does not exist (yet) is
 * picked up when it appears.
 *
 * @param frames      Frame records (sampled for thumbnails; counted for health)
 * @param events      ClipEvent records (labels, people's labels, the served models)
 * @param poses       PersonPoses records of the job's people path (people drawn over the tiles)
 * @param alerts      Alert topics of the rules
 * @param deadLetters DeadLetter topics (the job's and the alerting consumer's)
 */
public record DashboardTopics(String frames, String events, String poses, List<String> alerts,
                             List<String> deadLetters) {
    public static final String DEFAULT_FRAMES = "frames";
    public static final String DEFAULT_EVENTS = "clip-events";
    public static final String DEFAULT_POSES = "poses";
    public static final String DEFAULT_ALERTS = "alerts";
    public static final String DEFAULT_FRAMES_DLQ = "frames-dlq";
    public static final String DEFAULT_ALERTS_DLQ = "alerts-dlq";
    public static final DashboardTopics DEFAULTS = new DashboardTopics(DEFAULT_FRAMES, DEFAULT_EVENTS, DEFAULT_POSES,
            List.of(DEFAULT_ALERTS), List.of(DEFAULT_FRAMES_DLQ, DEFAULT_ALERTS_DLQ));

    public DashboardTopics {
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(poses, "poses");
        alerts = List.copyOf(alerts);
        deadLetters = List.copyOf(deadLetters);
        List<String> all = new ArrayList<>(List.of(frames, events, poses));
        all.addAll(alerts);
        all.addAll(deadLetters);
        if (all.stream().distinct().count() != all.size()) {
            throw new IllegalArgumentException("Each topic may have one role only, got " + all);
        }
    }

    /** These topics with the alerts on {@code topics} (e.g. the rules file's). */
    public DashboardTopics withAlerts(List<String> topics) {
        return new DashboardTopics(frames, events, poses, topics, deadLetters);
    }
}

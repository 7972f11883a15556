package clipstream.alerts.engine;

import java.util.List;
import java.util.Map;

/**
 * Everything the engine keeps for one camera, as plain data: recent event ids (oldest first), per-rule state and
 * {@code lastEventTime}, the latest {@code end_time} (epoch ms) of its events, which decides when the camera is
 * forgotten. {@code lastEventTime} is null in snapshots written before cameras expired; such a camera is dated when
 * restored (see {@link RuleEngine#restore}).
 */
public record CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules, Long lastEventTime) {
    public CameraSnapshot {
        recentEventIds = List.copyOf(recentEventIds);
        rules = Map.copyOf(rules);
    }

    /** A snapshot without a last event time, as written before cameras expired. */
    public CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules) {
        this(recentEventIds, rules, null);
    }
}

package clipstream.alerts.engine;

import java.util.List;
import java.util.Map;

/** Everything the engine keeps for one camera, as plain data: recent event ids (oldest first) and per-rule state. */
public record CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules) {
    public CameraSnapshot {
        recentEventIds = List.copyOf(recentEventIds);
        rules = Map.copyOf(rules);
    }
}

package clipstream.alerts.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Everything the engine keeps for one camera, as plain data: recent event ids, or clip keys where the consumer reads
 * uncommitted events (oldest first; see {@link Deduplication}), per-rule state of the camera's whole-frame events,
 * {@code lastEventTime}, the latest {@code end_time} (epoch ms) of its events, which decides when the camera is
 * forgotten, and {@code people}, the state of each person held on it (by track id).
 * {@code lastEventTime} is null in snapshots written before cameras expired; such a camera is dated when restored
 * (see {@link RuleEngine#restore}). {@code people} is absent (read as empty) in snapshots written before the engine
 * kept people. {@code health} is what the camera health rules keep of the camera, null (and left out of the JSON)
 * where no health rule watches it, and in snapshots written before there were health rules.
 */
public record CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules, Long lastEventTime,
                             List<PersonSnapshot> people,
                             @JsonInclude(JsonInclude.Include.NON_NULL) CameraHealthSnapshot health) {
    public CameraSnapshot {
        recentEventIds = List.copyOf(recentEventIds);
        rules = Map.copyOf(rules);
        people = people == null ? List.of() : List.copyOf(people);
    }

    /** A snapshot of a camera no health rule watches. */
    public CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules, Long lastEventTime,
                          List<PersonSnapshot> people) {
        this(recentEventIds, rules, lastEventTime, people, null);
    }

    /** A snapshot without people, as written before the engine kept people. */
    public CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules, Long lastEventTime) {
        this(recentEventIds, rules, lastEventTime, List.of(), null);
    }

    /** A snapshot without a last event time, as written before cameras expired. */
    public CameraSnapshot(List<String> recentEventIds, Map<String, RuleSnapshot> rules) {
        this(recentEventIds, rules, null, List.of(), null);
    }
}

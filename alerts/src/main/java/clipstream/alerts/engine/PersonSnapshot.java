package clipstream.alerts.engine;

import java.util.Map;

/**
 * What the engine keeps for one person on a camera, as plain data: {@code trackId} (the events' {@code track_id}),
 * per-rule state (only rules with a streak or a running cooldown for them) and {@code lastEventTime}, the latest
 * {@code end_time} (epoch ms) of their events, which decides when they are forgotten.
 */
public record PersonSnapshot(long trackId, Map<String, RuleSnapshot> rules, long lastEventTime) {
    public PersonSnapshot {
        rules = Map.copyOf(rules);
    }
}

package clipstream.alerts.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's state for one person (one {@code track_id}) on a camera: a {@link RuleTrack} per rule that has a
 * streak or a running cooldown for them, and the latest end time of their events. A person with neither is not held.
 */
final class PersonRuleState {
    private final long trackId;
    private final Map<String, RuleTrack> tracks;
    private long lastEventTime;

    PersonRuleState(long trackId, Map<String, RuleTrack> tracks, long lastEventTime) {
        this.trackId = trackId;
        this.tracks = tracks;
        this.lastEventTime = lastEventTime;
    }

    long trackId() {
        return trackId;
    }

    Map<String, RuleTrack> tracks() {
        return tracks;
    }

    long lastEventTime() {
        return lastEventTime;
    }

    /** Records an event of this person that ended at {@code time}. */
    void seen(long time) {
        lastEventTime = Math.max(lastEventTime, time);
    }

    PersonSnapshot snapshot() {
        Map<String, RuleSnapshot> rules = new HashMap<>();
        tracks.forEach((rule, track) -> rules.put(rule, track.snapshot()));
        return new PersonSnapshot(trackId, rules, lastEventTime);
    }

    static PersonRuleState restore(PersonSnapshot snapshot) {
        Map<String, RuleTrack> tracks = new LinkedHashMap<>();
        snapshot.rules().forEach((rule, track) -> tracks.put(rule, RuleTrack.restore(track)));
        return new PersonRuleState(snapshot.trackId(), tracks, snapshot.lastEventTime());
    }
}

package clipstream.alerts.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's state for one camera: the input partition its events arrive on, recent event ids, one
 * {@link RuleTrack} per rule that has something to remember, and the latest event time, which decides its expiry.
 */
final class CameraRuleState {
    private final RecentEventIds recent;
    private final Map<String, RuleTrack> tracks = new LinkedHashMap<>();
    private int partition;
    /** Null only for a camera restored from a snapshot written before cameras expired, until it is dated. */
    private Long lastEventTime;
    /** When it may be forgotten, as scheduled on its partition's clock; null while not scheduled. */
    private Long due;

    CameraRuleState(int partition, int dedupWindow, Long lastEventTime) {
        this.partition = partition;
        this.recent = new RecentEventIds(dedupWindow);
        this.lastEventTime = lastEventTime;
    }

    RecentEventIds recent() {
        return recent;
    }

    Map<String, RuleTrack> tracks() {
        return tracks;
    }

    int partition() {
        return partition;
    }

    void moveTo(int partition) {
        this.partition = partition;
    }

    boolean dated() {
        return lastEventTime != null;
    }

    long lastEventTime() {
        return lastEventTime;
    }

    /** Records an event that ended at {@code time} (events of a camera may arrive slightly out of order). */
    void seen(long time) {
        lastEventTime = lastEventTime == null ? time : Math.max(lastEventTime, time);
    }

    Long due() {
        return due;
    }

    void due(Long due) {
        this.due = due;
    }

    CameraSnapshot snapshot() {
        Map<String, RuleSnapshot> rules = new HashMap<>();
        tracks.forEach((rule, track) -> rules.put(rule, track.snapshot()));
        return new CameraSnapshot(recent.oldestFirst(), rules, lastEventTime);
    }

    static CameraRuleState restore(CameraSnapshot snapshot, int partition, int dedupWindow) {
        CameraRuleState state = new CameraRuleState(partition, dedupWindow, snapshot.lastEventTime());
        snapshot.recentEventIds().forEach(state.recent::add);
        snapshot.rules().forEach((rule, track) -> state.tracks.put(rule, RuleTrack.restore(track)));
        return state;
    }
}

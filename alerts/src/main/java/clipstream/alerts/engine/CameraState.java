package clipstream.alerts.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The engine's state for one camera: recent event ids and one {@link RuleTrack} per rule that has something to remember. */
final class CameraState {
    private final RecentEventIds recent;
    private final Map<String, RuleTrack> tracks = new LinkedHashMap<>();

    CameraState(int dedupWindow) {
        this.recent = new RecentEventIds(dedupWindow);
    }

    RecentEventIds recent() {
        return recent;
    }

    Map<String, RuleTrack> tracks() {
        return tracks;
    }

    CameraSnapshot snapshot() {
        Map<String, RuleSnapshot> rules = new HashMap<>();
        tracks.forEach((rule, track) -> rules.put(rule, track.snapshot()));
        return new CameraSnapshot(recent.oldestFirst(), rules);
    }

    static CameraState restore(CameraSnapshot snapshot, int dedupWindow) {
        CameraState state = new CameraState(dedupWindow);
        snapshot.recentEventIds().forEach(state.recent::add);
        snapshot.rules().forEach((rule, track) -> state.tracks.put(rule, RuleTrack.restore(track)));
        return state;
    }
}

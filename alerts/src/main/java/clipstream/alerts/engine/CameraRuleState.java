package clipstream.alerts.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The engine's state for one camera: the input partition its events arrive on, recent event ids, one
 * {@link RuleTrack} per rule that has something to remember for the camera's whole-frame events, a
 * {@link PersonRuleState} per person (track id) that has something to remember, the latest event time, which
 * decides its expiry, and, where a camera health rule watches it, its {@link CameraHealthWatch}.
 */
final class CameraRuleState {
    /** Which person goes first when a camera holds too many: the one whose last event is oldest. */
    private static final Comparator<PersonRuleState> IDLE_FIRST =
            Comparator.comparingLong(PersonRuleState::lastEventTime).thenComparingLong(PersonRuleState::trackId);

    private final RecentEventIds recent;
    private final Map<String, RuleTrack> tracks = new LinkedHashMap<>();
    private final NavigableMap<Long, PersonRuleState> people = new TreeMap<>();
    private int partition;
    /** Null only for a camera restored from a snapshot written before cameras expired, until it is dated. */
    private Long lastEventTime;
    /** When it may be forgotten, as scheduled on its partition's clock; null while not scheduled. */
    private Long due;
    /** Null while no camera health rule watches it. */
    private CameraHealthWatch health;

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

    /** The people held on this camera, by track id. */
    NavigableMap<Long, PersonRuleState> people() {
        return people;
    }

    /**
     * Starts holding person {@code trackId} with {@code tracks}, first dropping the people whose last event is oldest
     * while the camera holds {@code maxPeople} already.
     */
    PersonRuleState admit(long trackId, Map<String, RuleTrack> tracks, long time, int maxPeople) {
        while (people.size() >= maxPeople) {
            people.remove(people.values().stream().min(IDLE_FIRST).orElseThrow().trackId());
        }
        PersonRuleState person = new PersonRuleState(trackId, tracks, time);
        people.put(trackId, person);
        return person;
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

    CameraHealthWatch health() {
        return health;
    }

    void health(CameraHealthWatch health) {
        this.health = health;
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
        List<PersonSnapshot> persons = new ArrayList<>(people.size());
        people.values().forEach(person -> persons.add(person.snapshot()));
        return new CameraSnapshot(recent.oldestFirst(), rules, lastEventTime, persons,
                health == null ? null : health.snapshot());
    }

    static CameraRuleState restore(CameraSnapshot snapshot, int partition, int dedupWindow) {
        CameraRuleState state = new CameraRuleState(partition, dedupWindow, snapshot.lastEventTime());
        snapshot.recentEventIds().forEach(state.recent::add);
        snapshot.rules().forEach((rule, track) -> state.tracks.put(rule, RuleTrack.restore(track)));
        snapshot.people().forEach(person -> state.people.put(person.trackId(), PersonRuleState.restore(person)));
        state.health = snapshot.health() == null ? null : CameraHealthWatch.restore(snapshot.health());
        return state;
    }
}

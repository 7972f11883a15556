package clipstream.alerts.engine;

import clipstream.alerts.rules.Rule;
import clipstream.alerts.rules.RuleSet;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.PersonBox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the ordered clip events of each camera into alerts, rule by rule. Not thread-safe: one pipeline thread owns it.
 *
 * <p>Exact semantics, per rule and <em>subject</em> (times are event times, so a replay decides exactly as the first
 * run). A camera's events belong to one of its subjects: an event without {@code track_id} (a whole-frame clip) to
 * the camera itself, an event with one (a person's clip from the people model) to that person, the track on that
 * camera. Subjects do not touch each other's streaks or cooldowns: a person walking does not break another person's
 * running streak, nor a whole-frame streak.
 * <ol>
 *   <li>An event whose {@code event_id} is among the last {@code dedupWindow} ids seen on its camera (over all its
 *       subjects) is a duplicate and changes nothing. With {@link Deduplication#CLIP} (a consumer reading
 *       uncommitted events) the engine remembers clips instead of ids, and an event of one of the last
 *       {@code dedupWindow} clips seen on its camera is a duplicate too, whatever its model version: a clip counts
 *       once, as first seen. Either way, a recent key of the other kind (remembered before the option was
 *       switched) also makes a duplicate.</li>
 *   <li>An event from a watched camera <em>matches</em> when its label is one of the rule's labels and its score
 *       is at least {@code min-score}. A matching event extends its subject's streak; any other event of that
 *       subject breaks it.</li>
 *   <li>When the streak holds {@code min-consecutive} events and the subject is not cooling down, an alert is
 *       raised carrying exactly those events (oldest first; score = the highest of them, label = the latest's;
 *       for a person, their {@code track_id} and the latest event's {@code box}); the streak then starts again
 *       from zero.</li>
 *   <li>The subject is cooling down while the completing event's {@code end_time} is before its previous alert's
 *       {@code last_event_time} plus {@code cooldown}. A streak that completes during the cooldown raises nothing;
 *       it keeps sliding (its latest {@code min-consecutive} events), so if it is still unbroken, the first
 *       matching event at or after the end of the cooldown raises the next alert. Another person's alert does not
 *       start this person's cooldown.</li>
 *   <li>A camera is <em>forgotten</em> — its recent ids, streaks and cooldowns dropped, as if never seen — once its
 *       input partition's clock reaches its last event's {@code end_time} plus {@code cameraExpiry}, or the end of
 *       its longest running cooldown if that is later (a cooldown is never cut short). The clock of a partition is
 *       the latest {@code end_time} of any event on it; it moves before each event is applied, so an event that
 *       comes {@code cameraExpiry} or more after its camera's previous one finds the camera forgotten: its streak
 *       starts afresh, and a repeat of an event older than that is not recognised as a duplicate.</li>
 *   <li>A person is held only while some rule has a streak or a running cooldown for them: a rule's state that
 *       holds neither is dropped (so people who never match hold nothing). A person is forgotten with their camera,
 *       and before that once the partition's clock reaches their last event's {@code end_time} plus
 *       {@code cameraExpiry}, or the end of their longest running cooldown if that is later (checked whenever the
 *       camera has an event): their streaks start afresh. A camera holds at most {@link #MAX_PEOPLE_PER_CAMERA}
 *       people; a new one beyond that drops the person whose last event is oldest first (ties: the lower track
 *       id), even one cooling down — a safeguard against a tracker that hands out new ids without end, never
 *       reached by the people one camera sees within the expiry. A camera is not forgotten while one of its
 *       people is cooling down.</li>
 *   <li>An event's time, for every decision above, is its {@code end_time}, but no later than the wall clock plus
 *       {@code maxClockSkew}: one event stamped far in the future (a camera clock set to the year 3000) would
 *       otherwise move its partition's clock so far that every other camera on it is forgotten at once, and keep
 *       its own camera for centuries. Such an event is still applied, as ending at that bound; the alert it
 *       completes carries its real times. It is reported by {@link #takeEventsAheadOfClock()}.</li>
 * </ol>
 * The alert id is a name-based UUID of rule, camera, the person's track id (for a person's alert) and the completing
 * event's id: a replay raises the same id.
 *
 * <p>Since a camera's events all arrive on one input partition, every decision depends only on that partition's
 * ordered events: not on batches, restarts or which instance owns the partition. Changed and forgotten cameras are
 * collected for {@link #takeChanges()}, so the caller can store them with the alerts they led to.
 *
 * <p>Camera health rules ({@link Rule#isHealthRule()}) are the exception: whether a camera has gone silent depends on
 * the wall clock, so besides the events they are judged by {@link #checkHealth(Set)}, which the caller runs at every
 * poll; their state is kept with the camera's and goes with it. See {@link CameraHealthWatch}.
 */
public final class RuleEngine {
    /** Default number of recent event ids remembered per camera for deduplication. */
    public static final int DEFAULT_DEDUP_WINDOW = 1024;
    /** Default event time without an event after which a camera is forgotten. */
    public static final Duration DEFAULT_CAMERA_EXPIRY = Duration.ofHours(24);
    /** Default of how far ahead of the wall clock an event's time is believed (camera clocks drift). */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** The most people (track ids) held per camera; see the class documentation. */
    public static final int MAX_PEOPLE_PER_CAMERA = 256;
    /**
     * The most cameras of one input partition the camera health rules watch (four times the job's default
     * {@code --max-cameras} per subtask); see {@link CameraHealthWatch}.
     */
    public static final int MAX_HEALTH_CAMERAS_PER_PARTITION = 4096;

    /** The action kind of an alert, as opposed to the camera health kinds of {@link CameraHealthWatch}. */
    public static final String KIND_ACTION = "action";

    private final int dedupWindow;
    private final Deduplication deduplication;
    private final long expiryMillis;
    private final long maxSkewMillis;
    private final InstantSource wallClock;
    private final int maxHealthCameras;
    private long healthCapacityRefusals;
    private final Map<String, CameraRuleState> cameras = new HashMap<>();
    private final Map<Integer, PartitionClock> clocks = new HashMap<>();
    /** Since when (wall clock) each input partition has been held: the camera health rules' start of silence. */
    private final Map<Integer, Long> heldSince = new HashMap<>();
    /** Where the stored state is out of date, in the order it changed; emptied by {@link #takeChanges()}. */
    private final Set<StateKey> changed = new LinkedHashSet<>();
    /** Events taken as ending at the wall clock plus the skew; emptied by {@link #takeEventsAheadOfClock()}. */
    private final List<EventAheadOfClock> aheadOfClock = new ArrayList<>();
    private RuleSet rules;

    /** An engine whose cameras expire after {@link #DEFAULT_CAMERA_EXPIRY}. */
    public RuleEngine(RuleSet rules, int dedupWindow) {
        this(rules, dedupWindow, DEFAULT_CAMERA_EXPIRY);
    }

    /** An engine that believes event times up to {@link #DEFAULT_MAX_CLOCK_SKEW} ahead of the system clock. */
    public RuleEngine(RuleSet rules, int dedupWindow, Duration cameraExpiry) {
        this(rules, dedupWindow, cameraExpiry, DEFAULT_MAX_CLOCK_SKEW, InstantSource.system());
    }

    /**
     * @param maxClockSkew how far ahead of {@code wallClock} an event's {@code end_time} is believed; a later one is
     *                     taken as ending there
     */
    public RuleEngine(RuleSet rules, int dedupWindow, Duration cameraExpiry, Duration maxClockSkew,
                      InstantSource wallClock) {
        this(rules, dedupWindow, Deduplication.EVENT_ID, cameraExpiry, maxClockSkew, wallClock);
    }

    /** @param deduplication what makes an event a repeat of a recent one on its camera */
    public RuleEngine(RuleSet rules, int dedupWindow, Deduplication deduplication, Duration cameraExpiry,
                      Duration maxClockSkew, InstantSource wallClock) {
        this(rules, dedupWindow, deduplication, cameraExpiry, maxClockSkew, wallClock,
                MAX_HEALTH_CAMERAS_PER_PARTITION);
    }

    /** @param maxHealthCameras the most cameras of one input partition the camera health rules watch */
    RuleEngine(RuleSet rules, int dedupWindow, Duration cameraExpiry, Duration maxClockSkew, InstantSource wallClock,
               int maxHealthCameras) {
        this(rules, dedupWindow, Deduplication.EVENT_ID, cameraExpiry, maxClockSkew, wallClock, maxHealthCameras);
    }

    private RuleEngine(RuleSet rules, int dedupWindow, Deduplication deduplication, Duration cameraExpiry,
                       Duration maxClockSkew, InstantSource wallClock, int maxHealthCameras) {
        if (dedupWindow < 1) {
            throw new IllegalArgumentException("dedup window must be at least 1, got " + dedupWindow);
        }
        if (cameraExpiry == null || cameraExpiry.isZero() || cameraExpiry.isNegative()) {
            throw new IllegalArgumentException("camera expiry must be more than 0, got " + cameraExpiry);
        }
        if (maxClockSkew == null || maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("max clock skew must be 0 or more, got " + maxClockSkew);
        }
        this.rules = rules;
        this.dedupWindow = dedupWindow;
        this.deduplication = Objects.requireNonNull(deduplication, "deduplication");
        this.expiryMillis = cameraExpiry.toMillis();
        this.maxSkewMillis = maxClockSkew.toMillis();
        this.wallClock = wallClock;
        this.maxHealthCameras = maxHealthCameras;
    }

    public RuleSet rules() {
        return rules;
    }

    /** Applies one event of a single ordered stream (all cameras on one clock, as on a one-partition topic). */
    public List<RaisedAlert> onEvent(ClipEvent event) {
        return onEvent(0, event);
    }

    /** Applies one event read from input {@code partition}; returns the alerts it raises, in rule order. */
    public List<RaisedAlert> onEvent(int partition, ClipEvent event) {
        String camera = event.getCameraId();
        long endTime = event.getEndTime().toEpochMilli();
        long time = believable(partition, event, endTime);
        PartitionClock clock = clock(partition);
        clock.advanceTo(time);
        dateUndated(partition, clock);
        forgetDue(partition, clock);

        CameraRuleState state = held(partition, camera, time);
        if (Deduplication.seen(state.recent(), event)) {
            return List.of();
        }
        state.recent().add(deduplication.key(event));
        state.people().values().removeIf(person -> due(person) <= clock.now()); // idle for the expiry
        StreakEvent streakEvent = new StreakEvent(event.getEventId(), event.getLabel(), event.getScore(),
                event.getStartTime().toEpochMilli(), endTime);
        List<RaisedAlert> raised = event.getTrackId() == null
                ? applyToCamera(camera, state, streakEvent, time)
                : applyToPerson(camera, state, event.getTrackId(), event.getBox(), streakEvent, time);
        state.seen(time);
        raised.addAll(watchHealth(clock, camera, state, event));
        schedule(camera, state);
        changed.add(new StateKey(partition, camera));
        forgetDue(partition, clock); // a late event of an unknown camera may be due at once
        return raised;
    }

    /**
     * Judges every camera's health at the wall clock's time now (see {@link CameraHealthWatch}); returns the alerts
     * decided, and marks the cameras they are about as changed. Silence is judged only for cameras of
     * {@code caughtUp}: the input partitions the caller has read to their end.
     */
    public List<RaisedAlert> checkHealth(Set<Integer> caughtUp) {
        if (rules.healthRules().isEmpty()) {
            return List.of();
        }
        long now = wallClock.millis();
        List<RaisedAlert> raised = new ArrayList<>();
        cameras.forEach((camera, state) -> {
            CameraHealthWatch health = state.health();
            if (health == null) {
                return;
            }
            List<RaisedAlert> decided = health.check(camera, now, clock(state.partition()).watchedSince(),
                    caughtUp.contains(state.partition()), healthRulesWatching(camera));
            if (!decided.isEmpty()) {
                raised.addAll(decided);
                changed.add(new StateKey(state.partition(), camera));
            }
        });
        return raised;
    }

    /**
     * How many events came from cameras that the camera health rules would watch but did not, because their
     * partition already watched {@link #MAX_HEALTH_CAMERAS_PER_PARTITION} cameras.
     */
    public long healthCapacityRefusals() {
        return healthCapacityRefusals;
    }

    /** Applies {@code event} to the camera's health, watching the camera from now on if a health rule selects it. */
    private List<RaisedAlert> watchHealth(PartitionClock clock, String camera, CameraRuleState state,
                                          ClipEvent event) {
        List<Rule> watching = healthRulesWatching(camera);
        if (watching.isEmpty()) {
            return List.of();
        }
        if (state.health() == null) {
            if (clock.healthWatched() >= maxHealthCameras) {
                healthCapacityRefusals++;
                return List.of();
            }
            state.health(new CameraHealthWatch());
            clock.healthWatched(1);
        }
        return state.health().onEvent(camera, event, wallClock.millis(), watching);
    }

    private List<Rule> healthRulesWatching(String camera) {
        List<Rule> watching = new ArrayList<>(rules.healthRules().size());
        for (Rule rule : rules.healthRules()) {
            if (rule.watches(camera)) {
                watching.add(rule);
            }
        }
        return watching;
    }

    /** The clock of {@code partition}, started if new (held from now, unless held already). */
    private PartitionClock clock(int partition) {
        return clocks.computeIfAbsent(partition,
                p -> new PartitionClock(heldSince.computeIfAbsent(p, held -> wallClock.millis())));
    }

    /** Applies a whole-frame event (no track id) to the camera's own streaks and cooldowns. */
    private List<RaisedAlert> applyToCamera(String camera, CameraRuleState state, StreakEvent event, long time) {
        List<RaisedAlert> raised = new ArrayList<>();
        for (Rule rule : rules.labelRules()) {
            if (rule.watches(camera)) {
                apply(rule, state.tracks(), event, time).ifPresent(streak ->
                        raised.add(new RaisedAlert(rule, alert(rule, camera, null, null, streak))));
            }
        }
        return raised;
    }

    /** Applies a person's event to their streaks and cooldowns only; a person left with nothing to hold is dropped. */
    private List<RaisedAlert> applyToPerson(String camera, CameraRuleState state, long trackId, PersonBox box,
                                            StreakEvent event, long time) {
        PersonRuleState person = state.people().get(trackId);
        Map<String, RuleTrack> tracks = person != null ? person.tracks() : new LinkedHashMap<>();
        List<RaisedAlert> raised = new ArrayList<>();
        for (Rule rule : rules.labelRules()) {
            if (rule.watches(camera)) {
                apply(rule, tracks, event, time).ifPresent(streak ->
                        raised.add(new RaisedAlert(rule, alert(rule, camera, trackId, box, streak))));
            }
        }
        if (tracks.isEmpty()) {
            state.people().remove(trackId);
        } else if (person == null) {
            state.admit(trackId, tracks, time, MAX_PEOPLE_PER_CAMERA);
        } else {
            person.seen(time);
        }
        return raised;
    }

    /**
     * Applies {@code event} to {@code rule}'s state among {@code tracks} (a camera's or a person's) and returns the
     * streak it completes into an alert, if any. A rule's state left with no streak and no running cooldown is
     * dropped: a fresh one decides the same.
     */
    private static Optional<List<StreakEvent>> apply(Rule rule, Map<String, RuleTrack> tracks, StreakEvent event,
                                                     long time) {
        long cooldown = rule.cooldown().toMillis();
        RuleTrack track = tracks.get(rule.name());
        List<StreakEvent> completed = null;
        if (rule.matches(event.label(), event.score())) {
            if (track == null) {
                track = new RuleTrack(rule.trigger());
                tracks.put(rule.name(), track);
            }
            track.extend(event, rule.minConsecutive());
            if (track.streakLength() >= rule.minConsecutive() && !track.coolingDownAt(time, cooldown)) {
                completed = track.streak();
                track.alerted(time);
            }
        } else if (track != null) {
            track.breakStreak();
        }
        if (track != null && track.streakLength() == 0 && !track.coolingDownAt(time, cooldown)) {
            tracks.remove(rule.name());
        }
        return Optional.ofNullable(completed);
    }

    /**
     * Switches to {@code next}. A rule whose name and trigger ({@link Rule#trigger()}) are unchanged keeps its
     * streaks and cooldowns (a health rule its conditions); a changed or removed rule loses them, a camera no health
     * rule watches any more loses its health state, and a camera then due for expiry is forgotten.
     */
    public void replaceRules(RuleSet next) {
        this.rules = next;
        cameras.forEach((camera, state) -> {
            dropStaleTracks(state);
            if (state.health() != null && healthRulesWatching(camera).isEmpty()) {
                unwatchHealth(state);
                state.health(null);
            }
            if (state.dated()) {
                schedule(camera, state);
            }
        });
        clocks.forEach((partition, clock) -> forgetDue(partition, clock));
    }

    /** The state of {@code camera}, if the engine holds it. */
    public Optional<CameraSnapshot> snapshot(String camera) {
        return Optional.ofNullable(cameras.get(camera)).map(CameraRuleState::snapshot);
    }

    /**
     * Takes over the stored state of input {@code partition}: camera → snapshot, as read back from where
     * {@link #takeChanges()} put it. Tracks of rules that changed since are dropped. The partition's clock is the
     * latest event time among the snapshots, which is exactly where it stood when they were written. Cameras already
     * due for expiry (the expiry was shortened since, or a cooldown removed) are forgotten at once; a snapshot
     * without an event time (written before cameras expired) is dated at that clock, or by the partition's first
     * event if no snapshot has a time, so it is kept for a full {@code cameraExpiry} from there. Both show up in
     * {@link #takeChanges()}.
     *
     * @return how many of the cameras were forgotten at once
     */
    public int restore(int partition, Map<String, CameraSnapshot> snapshots) {
        PartitionClock clock = clock(partition);
        snapshots.forEach((camera, snapshot) -> {
            CameraRuleState state = CameraRuleState.restore(snapshot, partition, dedupWindow);
            dropStaleTracks(state);
            if (healthRulesWatching(camera).isEmpty()) {
                state.health(null); // no health rule watches it any more
            }
            CameraRuleState previous = cameras.put(camera, state);
            if (previous != null) {
                unschedule(camera, previous);
                unwatchHealth(previous);
            }
            if (state.health() != null) {
                clock.healthWatched(1);
            }
            if (state.dated()) {
                // stored times are bounded already, unless written before the bound was kept or by a clock since
                // set back
                clock.advanceTo(Math.min(state.lastEventTime(), latestBelievable()));
                schedule(camera, state);
            } else {
                clock.addUndated(camera);
            }
        });
        dateUndated(partition, clock);
        return forgetDue(partition, clock);
    }

    /**
     * Drops everything held for input {@code partitions} — cameras, clocks and changes not yet taken — because
     * another instance owns them now or their stored state is about to be restored. Nothing is stored for this.
     * Restored, they count as held from then on for the camera health rules (no camera is silent for longer).
     */
    public void forget(Collection<Integer> partitions) {
        heldSince.keySet().removeAll(partitions);
        dropForReplay(partitions);
    }

    /**
     * Drops everything held for input {@code partitions}, as {@link #forget}, because a failed transaction is about to
     * be replayed from their stored state — but they stay held: the camera health rules count a camera's silence as
     * before the failure.
     */
    public void dropForReplay(Collection<Integer> partitions) {
        Set<Integer> which = Set.copyOf(partitions);
        cameras.values().removeIf(state -> which.contains(state.partition()));
        clocks.keySet().removeAll(which);
        changed.removeIf(key -> which.contains(key.partition()));
        aheadOfClock.removeIf(event -> which.contains(event.partition()));
    }

    /** The input partitions the engine holds cameras or a clock for. */
    public Set<Integer> partitions() {
        return Set.copyOf(clocks.keySet());
    }

    /**
     * The stored state that is out of date since the previous call, in the order it changed: the latest snapshot of
     * every camera an event changed or restore dated, and a tombstone for every camera forgotten by expiry.
     */
    public List<StateChange> takeChanges() {
        List<StateChange> changes = new ArrayList<>(changed.size());
        for (StateKey key : changed) {
            CameraRuleState state = cameras.get(key.camera());
            boolean held = state != null && state.partition() == key.partition();
            changes.add(new StateChange(key.partition(), key.camera(), held ? state.snapshot() : null));
        }
        changed.clear();
        return changes;
    }

    /**
     * The events applied since the previous call whose {@code end_time} lay beyond the wall clock plus the max clock
     * skew, so that they were taken as ending at that bound.
     */
    public List<EventAheadOfClock> takeEventsAheadOfClock() {
        List<EventAheadOfClock> taken = List.copyOf(aheadOfClock);
        aheadOfClock.clear();
        return taken;
    }

    public Set<String> cameras() {
        return Set.copyOf(cameras.keySet());
    }

    /** How many cameras the engine holds state for. */
    public int cameraCount() {
        return cameras.size();
    }

    /** The event's time for the engine: its {@code end_time}, but no later than the wall clock plus the skew. */
    private long believable(int partition, ClipEvent event, long endTime) {
        long latest = latestBelievable();
        if (endTime <= latest) {
            return endTime;
        }
        aheadOfClock.add(new EventAheadOfClock(partition, event.getCameraId(), event.getEventId(),
                Instant.ofEpochMilli(endTime), Instant.ofEpochMilli(latest)));
        return latest;
    }

    private long latestBelievable() {
        return plus(wallClock.millis(), maxSkewMillis);
    }

    /** The state of {@code camera}, created if new; a camera whose events moved to another partition moves along. */
    private CameraRuleState held(int partition, String camera, long time) {
        CameraRuleState state = cameras.get(camera);
        if (state == null) {
            state = new CameraRuleState(partition, dedupWindow, time);
            cameras.put(camera, state);
        } else if (state.partition() != partition) {
            // only after partitions were added to the input topic: store it under the new partition only
            unschedule(camera, state);
            changed.add(new StateKey(state.partition(), camera));
            unwatchHealth(state);
            state.moveTo(partition);
            if (state.health() != null) {
                clock(partition).healthWatched(1);
            }
            if (!state.dated()) {
                state.seen(time);
            }
            schedule(camera, state);
            changed.add(new StateKey(partition, camera));
        }
        return state;
    }

    /** Gives the cameras restored without an event time on this partition the clock's time, once it has one. */
    private void dateUndated(int partition, PartitionClock clock) {
        if (!clock.started()) {
            return;
        }
        for (String camera : clock.takeUndated()) {
            CameraRuleState state = cameras.get(camera);
            state.seen(clock.now());
            schedule(camera, state);
            changed.add(new StateKey(partition, camera));
        }
    }

    /** Forgets the cameras of this partition that are due at its clock; returns how many. */
    private int forgetDue(int partition, PartitionClock clock) {
        List<String> due = clock.takeDue();
        for (String camera : due) {
            unwatchHealth(cameras.remove(camera));
            changed.add(new StateKey(partition, camera));
        }
        return due.size();
    }

    /** Counts {@code state} (if any) no longer among the cameras its partition watches for health. */
    private void unwatchHealth(CameraRuleState state) {
        PartitionClock clock = state == null ? null : clocks.get(state.partition());
        if (clock != null && state.health() != null) {
            clock.healthWatched(-1);
        }
    }

    private void schedule(String camera, CameraRuleState state) {
        unschedule(camera, state);
        long due = due(state);
        clock(state.partition()).schedule(camera, due);
        state.due(due);
    }

    private void unschedule(String camera, CameraRuleState state) {
        PartitionClock clock = clocks.get(state.partition());
        if (clock == null) {
            return;
        }
        if (state.due() != null) {
            clock.unschedule(camera, state.due());
            state.due(null);
        } else {
            clock.removeUndated(camera);
        }
    }

    /**
     * When {@code state} may be forgotten: {@code cameraExpiry} after its last event, not before a cooldown of the
     * camera or one of its people ends.
     */
    private long due(CameraRuleState state) {
        long due = Math.max(plus(state.lastEventTime(), expiryMillis), cooldownsEnd(state.tracks()));
        for (PersonRuleState person : state.people().values()) {
            due = Math.max(due, cooldownsEnd(person.tracks()));
        }
        return due;
    }

    /** When {@code person} is forgotten: {@code cameraExpiry} after their last event, not before a cooldown ends. */
    private long due(PersonRuleState person) {
        return Math.max(plus(person.lastEventTime(), expiryMillis), cooldownsEnd(person.tracks()));
    }

    /** The end of the latest cooldown among {@code tracks}; {@link Long#MIN_VALUE} if none has alerted. */
    private long cooldownsEnd(Map<String, RuleTrack> tracks) {
        long end = Long.MIN_VALUE;
        for (Map.Entry<String, RuleTrack> entry : tracks.entrySet()) {
            Long alerted = entry.getValue().lastAlertTime();
            Optional<Rule> rule = rules.rule(entry.getKey());
            if (alerted != null && rule.isPresent()) {
                end = Math.max(end, plus(alerted, rule.get().cooldown().toMillis()));
            }
        }
        return end;
    }

    private static long plus(long time, long millis) {
        long sum = time + millis;
        return ((time ^ sum) & (millis ^ sum)) < 0 ? Long.MAX_VALUE : sum; // saturate instead of overflowing
    }

    /** Drops the state of rules changed or removed since it was built, and the people left with nothing. */
    private void dropStaleTracks(CameraRuleState state) {
        dropStaleTracks(state.tracks());
        if (state.health() != null) {
            state.health().dropStale(rules);
        }
        state.people().values().removeIf(person -> {
            dropStaleTracks(person.tracks());
            return person.tracks().isEmpty();
        });
    }

    private void dropStaleTracks(Map<String, RuleTrack> tracks) {
        tracks.entrySet().removeIf(entry -> rules.rule(entry.getKey())
                .map(rule -> !rule.trigger().equals(entry.getValue().trigger()))
                .orElse(true));
    }

    /** The alert over {@code events}: of the camera where {@code trackId} is null, else of that person. */
    private static Alert alert(Rule rule, String camera, Long trackId, PersonBox box, List<StreakEvent> events) {
        StreakEvent first = events.get(0);
        StreakEvent last = events.get(events.size() - 1);
        float score = (float) events.stream().mapToDouble(StreakEvent::score).max().orElse(last.score());
        return Alert.newBuilder()
                .setAlertId(alertId(rule.name(), camera, trackId, last.eventId()))
                .setRule(rule.name())
                .setCameraId(camera)
                .setLabel(last.label())
                .setScore(score)
                .setFirstEventTime(Instant.ofEpochMilli(first.startTime()))
                .setLastEventTime(Instant.ofEpochMilli(last.endTime()))
                .setEventCount(events.size())
                .setEventIds(events.stream().map(StreakEvent::eventId).toList())
                .setTrackId(trackId)
                .setBox(box)
                .setKind(KIND_ACTION)
                .build();
    }

    /** The deterministic id of the alert {@code rule} raises on {@code camera} when event {@code eventId} completes it. */
    public static String alertId(String rule, String camera, String eventId) {
        return alertId(rule, camera, null, eventId);
    }

    /**
     * The deterministic id of the alert {@code rule} raises on {@code camera} for person {@code trackId} (null: for
     * the camera's whole-frame events) when event {@code eventId} completes it.
     */
    public static String alertId(String rule, String camera, Long trackId, String eventId) {
        String name = rule + '\u0000' + camera + '\u0000' + (trackId == null ? "" : "track " + trackId + '\u0000')
                + eventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A camera's record in one partition of the stored state. */
    private record StateKey(int partition, String camera) {
    }
}

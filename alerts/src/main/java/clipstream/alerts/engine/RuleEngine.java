package clipstream.alerts.engine;

import clipstream.alerts.rules.Rule;
import clipstream.alerts.rules.RuleSet;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Turns the ordered clip events of each camera into alerts, rule by rule. Not thread-safe: one pipeline thread owns it.
 *
 * <p>Exact semantics, per rule and camera (times are event times, so a replay decides exactly as the first run):
 * <ol>
 *   <li>An event whose {@code event_id} is among the last {@code dedupWindow} ids seen on its camera is a duplicate
 *       and changes nothing.</li>
 *   <li>An event from a watched camera <em>matches</em> when its label is one of the rule's labels and its score
 *       is at least {@code min-score}. A matching event extends the camera's streak; any other event from that
 *       camera breaks it.</li>
 *   <li>When the streak holds {@code min-consecutive} events and the camera is not cooling down, an alert is
 *       raised carrying exactly those events (oldest first; score = the highest of them, label = the latest's);
 *       the streak then starts again from zero.</li>
 *   <li>The camera is cooling down while the completing event's {@code end_time} is before the previous alert's
 *       {@code last_event_time} plus {@code cooldown}. A streak that completes during the cooldown raises nothing;
 *       it keeps sliding (its latest {@code min-consecutive} events), so if it is still unbroken, the first
 *       matching event at or after the end of the cooldown raises the next alert.</li>
 * </ol>
 * The alert id is a name-based UUID of rule, camera and the completing event's id: a replay raises the same id.
 */
public final class RuleEngine {
    /** Default number of recent event ids remembered per camera for deduplication. */
    public static final int DEFAULT_DEDUP_WINDOW = 1024;

    private final int dedupWindow;
    private final Map<String, CameraState> cameras = new HashMap<>();
    private RuleSet rules;

    public RuleEngine(RuleSet rules, int dedupWindow) {
        if (dedupWindow < 1) {
            throw new IllegalArgumentException("dedup window must be at least 1, got " + dedupWindow);
        }
        this.rules = rules;
        this.dedupWindow = dedupWindow;
    }

    public RuleSet rules() {
        return rules;
    }

    /** Applies one event; returns the alerts it raises, in rule order (none for a duplicate). */
    public List<RaisedAlert> onEvent(ClipEvent event) {
        String camera = event.getCameraId();
        CameraState state = cameras.computeIfAbsent(camera, c -> new CameraState(dedupWindow));
        if (!state.recent().add(event.getEventId())) {
            return List.of();
        }
        long time = event.getEndTime().toEpochMilli();
        StreakEvent streakEvent = new StreakEvent(event.getEventId(), event.getLabel(), event.getScore(),
                event.getStartTime().toEpochMilli(), time);
        List<RaisedAlert> raised = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            if (!rule.watches(camera)) {
                continue;
            }
            long cooldown = rule.cooldown().toMillis();
            RuleTrack track = state.tracks().get(rule.name());
            if (rule.matches(event.getLabel(), event.getScore())) {
                if (track == null) {
                    track = new RuleTrack(rule.trigger());
                    state.tracks().put(rule.name(), track);
                }
                track.extend(streakEvent, rule.minConsecutive());
                if (track.streakLength() >= rule.minConsecutive() && !track.coolingDownAt(time, cooldown)) {
                    raised.add(new RaisedAlert(rule, alert(rule, camera, track.streak())));
                    track.alerted(time);
                }
            } else if (track != null) {
                track.breakStreak();
                if (!track.coolingDownAt(time, cooldown)) {
                    state.tracks().remove(rule.name()); // nothing left worth remembering
                }
            }
        }
        return raised;
    }

    /**
     * Switches to {@code next}. A rule whose name and trigger ({@link Rule#trigger()}) are unchanged keeps its
     * streaks and cooldowns; a changed or removed rule loses them.
     */
    public void replaceRules(RuleSet next) {
        this.rules = next;
        cameras.values().forEach(this::dropStaleTracks);
    }

    /** The state of {@code camera}, if the engine has seen it. */
    public Optional<CameraSnapshot> snapshot(String camera) {
        return Optional.ofNullable(cameras.get(camera)).map(CameraState::snapshot);
    }

    /** Replaces the state of {@code camera} with a stored one; tracks of rules that changed since are dropped. */
    public void restore(String camera, CameraSnapshot snapshot) {
        CameraState state = CameraState.restore(snapshot, dedupWindow);
        dropStaleTracks(state);
        cameras.put(camera, state);
    }

    /** Forgets the cameras {@code which} selects (e.g. those of partitions this instance no longer owns). */
    public void forget(Predicate<String> which) {
        cameras.keySet().removeIf(which);
    }

    public Set<String> cameras() {
        return Set.copyOf(cameras.keySet());
    }

    private void dropStaleTracks(CameraState state) {
        state.tracks().entrySet().removeIf(entry -> rules.rule(entry.getKey())
                .map(rule -> !rule.trigger().equals(entry.getValue().trigger()))
                .orElse(true));
    }

    private static Alert alert(Rule rule, String camera, List<StreakEvent> events) {
        StreakEvent first = events.get(0);
        StreakEvent last = events.get(events.size() - 1);
        float score = (float) events.stream().mapToDouble(StreakEvent::score).max().orElse(last.score());
        return Alert.newBuilder()
                .setAlertId(alertId(rule.name(), camera, last.eventId()))
                .setRule(rule.name())
                .setCameraId(camera)
                .setLabel(last.label())
                .setScore(score)
                .setFirstEventTime(Instant.ofEpochMilli(first.startTime()))
                .setLastEventTime(Instant.ofEpochMilli(last.endTime()))
                .setEventCount(events.size())
                .setEventIds(events.stream().map(StreakEvent::eventId).toList())
                .build();
    }

    /** The deterministic id of the alert {@code rule} raises on {@code camera} when event {@code eventId} completes it. */
    public static String alertId(String rule, String camera, String eventId) {
        String name = rule + '\u0000' + camera + '\u0000' + eventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}

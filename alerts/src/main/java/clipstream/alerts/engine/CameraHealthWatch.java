package clipstream.alerts.engine;

import clipstream.alerts.rules.HealthCheck;
import clipstream.alerts.rules.Rule;
import clipstream.alerts.rules.RuleSet;
import clipstream.common.time.Durations;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What the camera health rules know of one camera, and what they decide. Not thread-safe: the engine's thread owns it.
 *
 * <p><b>What is watched.</b> The clip events the alerting consumer reads anyway, nothing more: the job writes one per
 * camera every {@code stride} frames (16 by default: 0.64 s at 25 fps) as long as the camera's frames arrive and
 * make clips, so a camera's events stopping says that its frames stopped reaching the job (or stopped making clips,
 * or the job stopped), and each whole-frame event carries its own frame rate: {@code last_seq − first_seq} frame
 * intervals over {@code end_time − start_time} of capture time, scaled by the share of its frames that arrived
 * ({@code frames_filled} were missing). A person's event (with a {@code track_id}) counts as the camera being heard but
 * has no frame rate (its frames are sampled by the pose stage). The frames topic is not read: it is the heaviest
 * topic (every frame of every camera), and reading it would put that load on this consumer and on the brokers for a
 * signal the events already give. Dead letters are not read either: a camera whose frames are all refused makes no
 * events, so it is offline here, which is what matters to the alerts.
 *
 * <p><b>Offline</b> is about time passing without events, so it is judged on the wall clock ({@code now}), not on
 * event times: a camera is <em>heard</em> when the consumer applies one of its events, and it is offline once it has
 * not been heard for {@code offline-after}. Because the job's exactly-once sink makes its events readable only at
 * each checkpoint (10 s by default), {@code offline-after} must be well above the job's checkpoint interval. Two
 * guards keep the consumer's own delays from passing for a camera's silence: silence is judged only on input
 * partitions the consumer has read to their end (a backlog, after a restart or under load, is read first), and no
 * camera counts as silent for longer than the consumer has held its partition ({@code watchedSince}: after a restart
 * or a rebalance every camera gets a full {@code offline-after} from then; the replay of a failed transaction keeps
 * it).
 *
 * <p>Per rule and camera, the rule's {@link CameraCondition} moves as follows, and each move raises one alert
 * ({@code kind} {@code camera_offline}, {@code camera_degraded} or {@code camera_recovered}; label {@code offline},
 * {@code degraded} or {@code recovered}):
 * <ol>
 *   <li>LIVE or DEGRADED → OFFLINE: not heard for {@code offline-after} (judged at each poll of the consumer).</li>
 *   <li>LIVE → DEGRADED: whole-frame clips below {@code degraded-below-fps} for {@code degraded-for}, from the start
 *       of the first slow clip to the end of the latest one (event time: decided by the events, so a replay decides
 *       the same); a healthy clip ends the run.</li>
 *   <li>DEGRADED → LIVE (recovered): healthy clips (at least {@code degraded-below-fps}) for
 *       {@code recovered-after}, likewise.</li>
 *   <li>OFFLINE → LIVE (recovered), or DEGRADED if the latest whole-frame clip is slow: heard again, without a
 *       silence of {@code offline-after}, for {@code recovered-after} of wall clock. A camera that flaps — back for a
 *       moment, silent again — stays OFFLINE: one alert when it went, one when it is steady again.</li>
 * </ol>
 * A camera is watched from its first event on (one that never sent any is unknown here); an alert names the
 * camera's latest event, and its id is a name-based UUID of rule, camera, kind and that event's id.
 *
 * <p><b>Once, across restarts.</b> The condition is part of the camera's state on the state topic, written in the
 * transaction that carries the alert: a restart restores OFFLINE and does not raise it again, and a transaction
 * that fails takes both away (the rewind restores the condition before it, and the next poll decides again).
 * Decisions on the wall clock are not replayed identically after a crash (the camera may have come back
 * meanwhile); each committed alert is still committed once, and the deterministic id lets consumers drop a repeat.
 *
 * <p><b>Bounded.</b> Per camera: its latest event and, per health rule watching it, a few times and its condition —
 * no window of events. The state goes with the camera: forgotten, with a tombstone, after {@code --camera-expiry} of
 * its partition's event time without an event from it (a camera removed for good is offline once, then forgotten;
 * if it comes back later it is a new camera, with no {@code recovered}; on a partition where no camera sends any
 * more, the clock stands still and its cameras are kept, no more of them than were seen). An input partition
 * watches at most {@link RuleEngine#MAX_HEALTH_CAMERAS_PER_PARTITION} cameras; a camera beyond that is not watched (counted, see
 * {@link RuleEngine#healthCapacityRefusals()}) until a watched one is forgotten.
 */
public final class CameraHealthWatch {
    public static final String KIND_OFFLINE = "camera_offline";
    public static final String KIND_DEGRADED = "camera_degraded";
    public static final String KIND_RECOVERED = "camera_recovered";

    private final Map<String, HealthTrack> tracks = new LinkedHashMap<>();
    private long lastHeard;
    /** Null until the camera's first event. */
    private String lastEventId;
    private long lastEventEnd;

    CameraHealthWatch() {
    }

    /**
     * The frame rate of a whole-frame clip event: frames per second of capture time that arrived; null for a person's
     * clip and for an event whose times give none.
     */
    static Float frameRate(ClipEvent event) {
        if (event.getTrackId() != null) {
            return null;
        }
        long frames = event.getLastSeq() - event.getFirstSeq() + 1;
        long span = event.getEndTime().toEpochMilli() - event.getStartTime().toEpochMilli();
        if (frames < 2 || span <= 0) {
            return null;
        }
        double arrived = Math.max(0, frames - event.getFramesFilled());
        return (float) ((frames - 1) * 1000.0 / span * arrived / frames);
    }

    /** Applies {@code event}, heard at wall time {@code now}, for the health rules that watch the camera. */
    List<RaisedAlert> onEvent(String camera, ClipEvent event, long now, List<Rule> watching) {
        Long previousHeard = lastEventId == null ? null : lastHeard;
        lastHeard = now;
        lastEventId = event.getEventId();
        long start = event.getStartTime().toEpochMilli();
        lastEventEnd = event.getEndTime().toEpochMilli();
        Float rate = frameRate(event);
        List<RaisedAlert> raised = new ArrayList<>();
        for (Rule rule : watching) {
            HealthTrack track = track(rule);
            track.onEvent(rule.health(), start, lastEventEnd, rate, now, previousHeard)
                    .ifPresent(change -> raised.add(new RaisedAlert(rule, alert(rule, camera, track, change, now))));
        }
        return raised;
    }

    /**
     * Judges the camera at wall time {@code now}: {@code watchedSince} is when the consumer took over its partition,
     * {@code judgeSilence} whether it has read that partition to its end.
     */
    List<RaisedAlert> check(String camera, long now, long watchedSince, boolean judgeSilence, List<Rule> watching) {
        if (lastEventId == null) {
            return List.of();
        }
        long heard = Math.max(lastHeard, watchedSince);
        List<RaisedAlert> raised = new ArrayList<>();
        for (Rule rule : watching) {
            HealthTrack track = track(rule);
            track.check(rule.health(), now, heard, judgeSilence)
                    .ifPresent(change -> raised.add(new RaisedAlert(rule, alert(rule, camera, track, change, now))));
        }
        return raised;
    }

    /** The condition health rule {@code rule} last alerted for this camera (LIVE if none). */
    public CameraCondition condition(String rule) {
        HealthTrack track = tracks.get(rule);
        return track == null ? CameraCondition.LIVE : track.condition();
    }

    /** Drops the state of health rules changed or removed since it was built. */
    void dropStale(RuleSet rules) {
        tracks.entrySet().removeIf(entry -> rules.rule(entry.getKey())
                .map(rule -> !rule.isHealthRule() || !rule.trigger().equals(entry.getValue().trigger()))
                .orElse(true));
    }

    private HealthTrack track(Rule rule) {
        return tracks.computeIfAbsent(rule.name(), name -> new HealthTrack(rule.trigger()));
    }

    private Alert alert(Rule rule, String camera, HealthTrack track, HealthTrack.Change change, long now) {
        HealthCheck check = rule.health();
        boolean offline = change.to() == CameraCondition.OFFLINE;
        String kind = switch (change.to()) {
            case OFFLINE -> KIND_OFFLINE;
            case DEGRADED -> KIND_DEGRADED;
            case LIVE -> KIND_RECOVERED;
        };
        return Alert.newBuilder()
                .setAlertId(alertId(rule.name(), camera, kind, lastEventId))
                .setRule(rule.name())
                .setCameraId(camera)
                .setLabel(switch (change.to()) {
                    case OFFLINE -> "offline";
                    case DEGRADED -> "degraded";
                    case LIVE -> "recovered";
                })
                .setScore(1f)
                .setFirstEventTime(Instant.ofEpochMilli(offline ? lastEventEnd : change.since()))
                .setLastEventTime(Instant.ofEpochMilli(lastEventEnd))
                .setEventCount(offline ? 0 : 1)
                .setEventIds(offline ? List.of() : List.of(lastEventId))
                .setKind(kind)
                .setReason(reason(check, track, change, now))
                .setFrameRate(offline ? null : track.frameRate())
                .build();
    }

    private String reason(HealthCheck check, HealthTrack track, HealthTrack.Change change, long now) {
        String rate = track.frameRate() == null ? "" : String.format(Locale.ROOT, "%.1f fps", track.frameRate());
        String below = HealthCheck.fps(check.degradedBelowFps());
        if (change.to() == CameraCondition.OFFLINE) {
            return "no clip event for " + seconds(now - lastHeard) + " (offline-after "
                    + Durations.format(check.offlineAfter()) + ")";
        }
        if (change.from() == CameraCondition.OFFLINE) {
            String back = "clip events again for " + seconds(now - change.backSince()) + " (recovered-after "
                    + Durations.format(check.recoveredAfter()) + ")";
            if (change.to() == CameraCondition.DEGRADED) {
                return back + ", but at " + rate + ", below " + below;
            }
            return rate.isEmpty() ? back : back + ", at " + rate;
        }
        long run = lastEventEnd - change.since();
        return change.to() == CameraCondition.DEGRADED
                ? "frame rate " + rate + ", below " + below + ", for " + seconds(run) + " of clips (degraded-for "
                        + Durations.format(check.degradedFor()) + ")"
                : "frame rate " + rate + ", at least " + below + ", for " + seconds(run) + " of clips (recovered-after "
                        + Durations.format(check.recoveredAfter()) + ")";
    }

    private static String seconds(long millis) {
        return Durations.format(Duration.ofSeconds(Math.max(0, millis) / 1000));
    }

    /** The deterministic id of the health alert of {@code kind} that {@code rule} raises on {@code camera}. */
    public static String alertId(String rule, String camera, String kind, String eventId) {
        String name = rule + '\u0000' + camera + "\u0000health\u0000" + kind + '\u0000' + eventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    CameraHealthSnapshot snapshot() {
        Map<String, HealthTrackSnapshot> rules = new HashMap<>();
        tracks.forEach((rule, track) -> rules.put(rule, track.snapshot()));
        return new CameraHealthSnapshot(lastHeard, lastEventId, lastEventEnd, rules);
    }

    static CameraHealthWatch restore(CameraHealthSnapshot snapshot) {
        CameraHealthWatch watch = new CameraHealthWatch();
        watch.lastHeard = snapshot.lastHeard();
        watch.lastEventId = snapshot.lastEventId();
        watch.lastEventEnd = snapshot.lastEventEnd();
        snapshot.rules().forEach((rule, track) -> watch.tracks.put(rule, HealthTrack.restore(track)));
        return watch;
    }
}

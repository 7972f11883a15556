package clipstream.alerts.engine;

import clipstream.alerts.rules.HealthCheck;
import java.util.Optional;

/**
 * One camera health rule's state for one camera: what the rule last said of it ({@link CameraCondition}), how long
 * its clip events have been coming again since it was last silent, and the current run of slow or healthy clips.
 * The decisions are documented on {@link CameraHealthWatch}.
 */
final class HealthTrack {
    private final String trigger;
    private CameraCondition condition = CameraCondition.LIVE;
    /** While offline: when (wall clock) the camera's events started coming again, and that event's start_time. */
    private Long backSince;
    private Long backFrom;
    /** The start_time of the first clip of the current run of slow, or of healthy, whole-frame clips. */
    private Long slowSince;
    private Long goodSince;
    private Float frameRate;

    HealthTrack(String trigger) {
        this.trigger = trigger;
    }

    /**
     * A change of condition: {@code since} is the start (event time) of the run of clips it rests on (the slow or
     * healthy clips, or the events since the silence), {@code backSince} when (wall clock) the events came again, for
     * a change from OFFLINE.
     */
    record Change(CameraCondition from, CameraCondition to, long since, Long backSince) {
    }

    String trigger() {
        return trigger;
    }

    CameraCondition condition() {
        return condition;
    }

    Long backSince() {
        return backSince;
    }

    Float frameRate() {
        return frameRate;
    }

    /**
     * Applies a clip event of {@code [start, end]} (event time) that arrived at wall time {@code now}; {@code rate} is
     * its frame rate (null for a person's clip), {@code previousHeard} when the camera's previous event arrived (null
     * for its first). Returns the change of condition the event decides: to DEGRADED after a run of slow clips as long
     * as {@code degraded-for}, back to LIVE from DEGRADED after a run of healthy clips as long as
     * {@code recovered-after}. Leaving OFFLINE is decided by {@link #check} only.
     */
    Optional<Change> onEvent(HealthCheck check, long start, long end, Float rate, long now, Long previousHeard) {
        if (rate != null) {
            frameRate = rate;
            if (check.watchesFrameRate() && rate < check.degradedBelowFps()) {
                goodSince = null;
                slowSince = slowSince == null ? start : slowSince;
            } else if (check.watchesFrameRate()) {
                slowSince = null;
                goodSince = goodSince == null ? start : goodSince;
            }
        }
        switch (condition) {
            case OFFLINE -> {
                boolean silentBefore = previousHeard == null
                        || check.watchesOffline() && now - previousHeard >= check.offlineAfter().toMillis();
                if (backSince == null || silentBefore) {
                    backSince = now;
                    backFrom = start;
                }
            }
            case LIVE -> {
                if (slowSince != null && end - slowSince >= check.degradedFor().toMillis()) {
                    return Optional.of(become(CameraCondition.DEGRADED, slowSince));
                }
            }
            case DEGRADED -> {
                if (goodSince != null && end - goodSince >= check.recoveredAfter().toMillis()) {
                    return Optional.of(become(CameraCondition.LIVE, goodSince));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Judges at wall time {@code now} a camera last heard at {@code heard}: silent for {@code offline-after} makes it
     * OFFLINE; while offline, events coming again for {@code recovered-after} without such a silence make it LIVE, or
     * DEGRADED if its latest whole-frame clips are slow. Silence is judged only where {@code judgeSilence} (the
     * consumer has read the camera's partition to its end).
     */
    Optional<Change> check(HealthCheck check, long now, long heard, boolean judgeSilence) {
        if (!check.watchesOffline()) {
            return Optional.empty();
        }
        boolean silent = now - heard >= check.offlineAfter().toMillis();
        if (condition != CameraCondition.OFFLINE) {
            return judgeSilence && silent ? Optional.of(become(CameraCondition.OFFLINE, heard)) : Optional.empty();
        }
        if (silent) {
            if (judgeSilence) {
                backSince = null; // gone again before it was back for long enough: it stays offline
                backFrom = null;
            }
            return Optional.empty();
        }
        if (backSince != null && now - backSince >= check.recoveredAfter().toMillis()) {
            boolean slow = check.watchesFrameRate() && slowSince != null;
            return Optional.of(become(slow ? CameraCondition.DEGRADED : CameraCondition.LIVE,
                    backFrom == null ? heard : backFrom));
        }
        return Optional.empty();
    }

    private Change become(CameraCondition next, long since) {
        Change change = new Change(condition, next, since, backSince);
        condition = next;
        backSince = null;
        backFrom = null;
        return change;
    }

    HealthTrackSnapshot snapshot() {
        return new HealthTrackSnapshot(trigger, condition, backSince, backFrom, slowSince, goodSince, frameRate);
    }

    static HealthTrack restore(HealthTrackSnapshot snapshot) {
        HealthTrack track = new HealthTrack(snapshot.trigger());
        track.condition = snapshot.condition() == null ? CameraCondition.LIVE : snapshot.condition();
        track.backSince = snapshot.backSince();
        track.backFrom = snapshot.backFrom();
        track.slowSince = snapshot.slowSince();
        track.goodSince = snapshot.goodSince();
        track.frameRate = snapshot.frameRate();
        return track;
    }
}

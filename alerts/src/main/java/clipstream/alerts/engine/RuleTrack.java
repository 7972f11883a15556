package clipstream.alerts.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** One rule's state for a camera or a person on it: the current streak of matching events and when it last alerted. */
final class RuleTrack {
    private final String trigger;
    private final Deque<StreakEvent> streak = new ArrayDeque<>();
    private Long lastAlertTime;

    RuleTrack(String trigger) {
        this.trigger = trigger;
    }

    String trigger() {
        return trigger;
    }

    /** Appends {@code event}, keeping only the latest {@code keep} events. */
    void extend(StreakEvent event, int keep) {
        streak.addLast(event);
        while (streak.size() > keep) {
            streak.removeFirst();
        }
    }

    int streakLength() {
        return streak.size();
    }

    List<StreakEvent> streak() {
        return List.copyOf(streak);
    }

    void breakStreak() {
        streak.clear();
    }

    Long lastAlertTime() {
        return lastAlertTime;
    }

    void alerted(long time) {
        lastAlertTime = time;
        streak.clear();
    }

    boolean coolingDownAt(long time, long cooldownMillis) {
        return cooldownMillis > 0 && lastAlertTime != null && time < lastAlertTime + cooldownMillis;
    }

    RuleSnapshot snapshot() {
        return new RuleSnapshot(trigger, streak(), lastAlertTime);
    }

    static RuleTrack restore(RuleSnapshot snapshot) {
        RuleTrack track = new RuleTrack(snapshot.trigger());
        track.streak.addAll(snapshot.streak());
        track.lastAlertTime = snapshot.lastAlertTime();
        return track;
    }
}

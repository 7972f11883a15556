package clipstream.alerts.engine;

import java.util.List;

/**
 * A rule's persisted state for one camera or person. {@code trigger} is
 * {@link clipstream.alerts.rules.Rule#trigger()} of the rule that built it: a rule whose trigger changed starts afresh.
 * {@code lastAlertTime} is null before any alert.
 */
public record RuleSnapshot(String trigger, List<StreakEvent> streak, Long lastAlertTime) {
    public RuleSnapshot {
        streak = List.copyOf(streak);
    }
}

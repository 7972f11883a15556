package clipstream.alerts.engine;

import static clipstream.alerts.fixtures.ClipEvents.at;
import static clipstream.alerts.fixtures.ClipEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import clipstream.alerts.fixtures.ClipEvents;
import clipstream.alerts.rules.RuleSet;
import clipstream.alerts.rules.RulesLoader;
import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

public class RuleEngineTest {

    private static final String FALL_RULE = ClipEvents.FALL_RULES;

    private static List<ClipEvent> script() {
        return ClipEvents.fallScript();
    }

    public static List<Alert> run(RuleEngine engine, List<ClipEvent> events) {
        List<Alert> alerts = new ArrayList<>();
        for (ClipEvent event : events) {
            engine.onEvent(event).forEach(raised -> alerts.add(raised.alert()));
        }
        return alerts;
    }

    private static RuleSet rules(String yaml) throws Exception {
        return RulesLoader.parse(yaml, "test");
    }

    @Test
    void minConsecutiveAndCooldownOnTheScriptedSequence() throws Exception {
        List<Alert> alerts = run(new RuleEngine(rules(FALL_RULE), 100), script());

        assertThat(alerts).hasSize(2);
        Alert first = alerts.get(0);
        assertThat(first.getRule()).isEqualTo("fall");
        assertThat(first.getCameraId()).isEqualTo("cam-1");
        assertThat(first.getEventIds()).containsExactly("cam-1:16:c3d@1", "cam-1:32:c3d@1", "cam-1:48:c3d@1");
        assertThat(first.getEventCount()).isEqualTo(3);
        assertThat(first.getFirstEventTime()).isEqualTo(at(0));
        assertThat(first.getLastEventTime()).isEqualTo(at(3));
        assertThat(first.getLabel()).isEqualTo("falling");
        assertThat(first.getScore()).isEqualTo(0.9f);
        assertThat(first.getAlertId()).isEqualTo(RuleEngine.alertId("fall", "cam-1", "cam-1:48:c3d@1"));

        Alert second = alerts.get(1);
        assertThat(second.getEventIds()).containsExactly("cam-1:176:c3d@1", "cam-1:192:c3d@1", "cam-1:208:c3d@1");
        assertThat(second.getScore()).isEqualTo(0.95f);
        assertThat(second.getLastEventTime()).isEqualTo(at(13));
    }

    @Test
    void cooldownEndsExactlyAtPreviousAlertPlusCooldown() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE.replace("min-consecutive: 3", "min-consecutive: 1")), 100);
        assertThat(engine.onEvent(event("cam-1", 1, "falling", 0.9f))).hasSize(1);
        assertThat(engine.onEvent(event("cam-1", 10, "falling", 0.9f))).isEmpty();   // 10 < 1 + 10
        assertThat(engine.onEvent(event("cam-1", 11, "falling", 0.9f))).hasSize(1);  // 11 >= 1 + 10
        assertThat(engine.onEvent(event("cam-1", 12, "falling", 0.9f))).isEmpty();
    }

    @Test
    void withoutCooldownEveryFullStreakAlertsAndStartsAgain() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE.replace("cooldown: 10s", "cooldown: 0")), 100);
        List<ClipEvent> events = new ArrayList<>();
        for (int s = 1; s <= 7; s++) {
            events.add(event("cam-1", s, "falling", 0.9f));
        }
        assertThat(run(engine, events)).extracting(Alert::getLastEventTime).containsExactly(at(3), at(6));
    }

    @Test
    void duplicatesOfAnEventChangeNothing() throws Exception {
        List<ClipEvent> withDuplicates = new ArrayList<>();
        for (ClipEvent event : script()) {
            withDuplicates.add(event);
            withDuplicates.add(event);    // replayed at once
        }
        withDuplicates.addAll(script());  // and the whole script replayed later
        List<Alert> alerts = run(new RuleEngine(rules(FALL_RULE), 100), withDuplicates);
        assertThat(alerts).isEqualTo(run(new RuleEngine(rules(FALL_RULE), 100), script()));
    }

    @Test
    void camerasAreIndependent() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE), 100);
        List<ClipEvent> interleaved = List.of(event("cam-1", 1, "falling", 0.9f), event("cam-2", 1, "falling", 0.9f),
                event("cam-1", 2, "falling", 0.9f), event("cam-2", 2, "walking", 0.9f),
                event("cam-1", 3, "falling", 0.9f), event("cam-2", 3, "falling", 0.9f));
        assertThat(run(engine, interleaved)).extracting(Alert::getCameraId).containsExactly("cam-1");
    }

    @Test
    void stateSurvivesSnapshotAndRestore() throws Exception {
        List<ClipEvent> events = script();
        List<Alert> straight = run(new RuleEngine(rules(FALL_RULE), 100), events);
        for (int cut = 0; cut <= events.size(); cut++) {
            RuleEngine before = new RuleEngine(rules(FALL_RULE), 100);
            List<Alert> alerts = new ArrayList<>(run(before, events.subList(0, cut)));
            RuleEngine after = new RuleEngine(rules(FALL_RULE), 100);
            Map<String, CameraSnapshot> stored = new HashMap<>();
            for (String camera : before.cameras()) {
                stored.put(camera, before.snapshot(camera).orElseThrow());
            }
            after.restore(0, stored);
            alerts.addAll(run(after, events.subList(0, events.size())));  // replays the first part too: deduplicated
            assertThat(alerts).as("restart after %d events", cut).isEqualTo(straight);
        }
    }

    @Test
    void reloadKeepsStateOfUnchangedRulesAndResetsChangedOnes() throws Exception {
        String two = FALL_RULE + """
                  - name: running
                    labels: [running]
                    min-consecutive: 2
                """;
        RuleEngine engine = new RuleEngine(rules(two), 100);
        engine.onEvent(event("cam-1", 1, "falling", 0.9f));
        engine.onEvent(event("cam-1", 2, "falling", 0.9f));
        engine.onEvent(event("cam-1", 3, "running", 0.9f));   // breaks 'fall'; 'running' streak 1

        engine.onEvent(event("cam-1", 4, "falling", 0.9f));   // 'fall' streak 1, 'running' broken
        engine.onEvent(event("cam-1", 5, "falling", 0.9f));   // 'fall' streak 2
        engine.replaceRules(rules(two.replace("cooldown: 10s", "cooldown: 10s\n    outputs:\n      stdout: false")
                .replace("min-consecutive: 2", "min-consecutive: 3")));
        // 'fall' unchanged (outputs do not matter): its streak of 2 completes with the next event
        assertThat(engine.onEvent(event("cam-1", 6, "falling", 0.9f))).extracting(r -> r.alert().getEventCount())
                .containsExactly(3);

        engine.replaceRules(rules(FALL_RULE.replace("min-score: 0.8", "min-score: 0.7")));
        engine.onEvent(event("cam-1", 20, "falling", 0.9f));
        engine.onEvent(event("cam-1", 21, "falling", 0.9f));
        // reloading an identical file keeps the streak of 20-21, so 22 completes it
        engine.replaceRules(rules(FALL_RULE.replace("min-score: 0.8", "min-score: 0.7")));
        assertThat(engine.onEvent(event("cam-1", 22, "falling", 0.9f))).hasSize(1);
    }

    @Test
    void changedRuleDropsCooldownToo() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE.replace("min-consecutive: 3", "min-consecutive: 1")), 100);
        assertThat(engine.onEvent(event("cam-1", 1, "falling", 0.9f))).hasSize(1);
        assertThat(engine.onEvent(event("cam-1", 2, "falling", 0.9f))).isEmpty();
        engine.replaceRules(rules(FALL_RULE.replace("min-consecutive: 3", "min-consecutive: 1")
                .replace("cooldown: 10s", "cooldown: 20s")));
        assertThat(engine.onEvent(event("cam-1", 3, "falling", 0.9f))).hasSize(1);
    }

    @Test
    void dedupWindowIsBoundedPerCamera() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE.replace("min-consecutive: 3", "min-consecutive: 1")
                .replace("cooldown: 10s", "cooldown: 0")), 2);
        assertThat(engine.onEvent(event("cam-1", 1, "falling", 0.9f))).hasSize(1);
        engine.onEvent(event("cam-1", 2, "falling", 0.9f));
        engine.onEvent(event("cam-1", 3, "falling", 0.9f));
        assertThat(engine.snapshot("cam-1").orElseThrow().recentEventIds())
                .containsExactly("cam-1:32:c3d@1", "cam-1:48:c3d@1");
        assertThat(engine.onEvent(event("cam-1", 3, "falling", 0.9f))).isEmpty();
        assertThat(engine.onEvent(event("cam-1", 1, "falling", 0.9f))).as("forgotten: older than the window").hasSize(1);
    }

    @Test
    void brokenStreakWithoutCooldownLeavesNoRuleState() throws Exception {
        RuleEngine engine = new RuleEngine(rules(FALL_RULE), 100);
        engine.onEvent(event("cam-1", 1, "falling", 0.9f));
        engine.onEvent(event("cam-1", 2, "walking", 0.9f));
        assertThat(engine.snapshot("cam-1").orElseThrow().rules()).isEmpty();
    }
}

package clipstream.alerts.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {

    private static final String FULL = """
            rules:
              - name: fall-detected
                labels: [falling, fall_down]
                min-score: 0.8
                cameras: [cam-7, "lobby-*"]
                min-consecutive: 3
                cooldown: 60s
                outputs:
                  topic: ops-alerts
                  stdout: false
                  webhook:
                    url: http://127.0.0.1:9000/hook
                    timeout: 2s
                    attempts: 4
                    backoff: 100ms
                    max-backoff: 1s
              - name: anyone-running
                labels: running
            """;

    @Test
    void readsEveryFieldAndFillsDefaults() throws Exception {
        RuleSet rules = RulesLoader.parse(FULL, "rules.yaml");

        assertThat(rules.rules()).extracting(Rule::name).containsExactly("fall-detected", "anyone-running");
        Rule fall = rules.rule("fall-detected").orElseThrow();
        assertThat(fall.labels()).isEqualTo(Set.of("falling", "fall_down"));
        assertThat(fall.minScore()).isEqualTo(0.8f);
        assertThat(fall.minConsecutive()).isEqualTo(3);
        assertThat(fall.cooldown()).isEqualTo(Duration.ofSeconds(60));
        assertThat(fall.watches("cam-7")).isTrue();
        assertThat(fall.watches("lobby-east")).isTrue();
        assertThat(fall.watches("cam-70")).isFalse();
        assertThat(fall.outputs()).isEqualTo(new RuleOutputs("ops-alerts", false, List.of(new WebhookTarget(
                URI.create("http://127.0.0.1:9000/hook"), Duration.ofSeconds(2), 4, Duration.ofMillis(100),
                Duration.ofSeconds(1)))));

        Rule running = rules.rule("anyone-running").orElseThrow();
        assertThat(running.minScore()).isZero();
        assertThat(running.minConsecutive()).isEqualTo(1);
        assertThat(running.cooldown()).isZero();
        assertThat(running.cameras().matchesAll()).isTrue();
        assertThat(running.outputs()).isEqualTo(RuleOutputs.defaults());
        assertThat(rules.alertTopics()).containsExactly("alerts", "ops-alerts");
        assertThat(rules.webhookTopics()).containsExactly("ops-alerts");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        String broken = """
                rules:
                  - name: fall
                    labels: [falling
                    min-score: 0.8
                """;
        assertThatThrownBy(() -> RulesLoader.parse(broken, "rules.yaml"))
                .isInstanceOf(RulesFileException.class)
                .hasMessageStartingWith("rules.yaml:4:")
                .hasMessageContaining("YAML syntax error");
    }

    @Test
    void unknownFieldIsAnErrorNamingLineAndField() {
        String typo = """
                rules:
                  - name: fall
                    labels: [falling]
                    min-consecutve: 3
                """;
        assertThatThrownBy(() -> RulesLoader.parse(typo, "rules.yaml"))
                .hasMessageStartingWith("rules.yaml:4:5: ")
                .hasMessageContaining("rule #1: unknown field 'min-consecutve'")
                .hasMessageContaining("min-consecutive");
    }

    @Test
    void outOfRangeScoreNamesRuleAndField() {
        String bad = """
                rules:
                  - name: fall
                    labels: [falling]
                    min-score: 1.5
                """;
        assertThatThrownBy(() -> RulesLoader.parse(bad, "r.yaml"))
                .hasMessage("r.yaml:4:16: rule 'fall': 'min-score' must be between 0 and 1, got 1.5");
    }

    @Test
    void badValuesAreReportedWithTheirField() {
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    cooldown: soon\n", "f"))
                .hasMessageContaining("f:4:15: rule 'a': 'cooldown' must be a duration");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    min-consecutive: 0\n", "f"))
                .hasMessageContaining("f:4:22: rule 'a': 'min-consecutive' must be at least 1");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: a\n    labels: []\n", "f"))
                .hasMessageContaining("f:3:13: rule 'a': 'labels' must list at least one");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - labels: x\n", "f"))
                .hasMessageContaining("f:2:5: rule #1: missing 'name'");
        assertThatThrownBy(() -> RulesLoader.parse(
                "rules:\n  - name: a\n    labels: x\n    outputs:\n      webhook:\n        url: ftp://x/y\n", "f"))
                .hasMessageContaining("f:6:14: rule 'a': 'outputs'.webhook.url: 'ftp://x/y' must be an absolute http");
        assertThatThrownBy(() -> RulesLoader.parse(
                "rules:\n  - name: a\n    labels: x\n    outputs:\n      topic: 'no spaces'\n", "f"))
                .hasMessageContaining("f:5:14: ").hasMessageContaining("not a valid Kafka topic name");
    }

    @Test
    void duplicateRuleNamesAreRejected() {
        String twice = """
                rules:
                  - name: fall
                    labels: [falling]
                  - name: fall
                    labels: [down]
                """;
        assertThatThrownBy(() -> RulesLoader.parse(twice, "f"))
                .hasMessage("f:4:5: duplicate rule name 'fall' (first defined at line 2)");
    }

    @Test
    void emptyOrShapelessFilesAreRejected() {
        assertThatThrownBy(() -> RulesLoader.parse("", "f")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RulesLoader.parse("rules: nope\n", "f"))
                .hasMessage("f:1:8: 'rules' must be a non-empty list of rules");
        assertThatThrownBy(() -> RulesLoader.parse("- a\n", "f")).hasMessageContaining("f:1:1: the file must be a mapping");
    }

    @Test
    void missingFileSaysSo(@TempDir Path dir) {
        assertThatThrownBy(() -> RulesLoader.load(dir.resolve("nope.yaml")))
                .hasMessageContaining("nope.yaml: rules file not found");
    }

    @Test
    void loadsFromFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rules.yaml"), FULL);
        assertThat(RulesLoader.load(file).rules()).hasSize(2);
    }

    @Test
    void durationsAcceptUnitsAndIso() throws Exception {
        for (var c : List.of(List.of("500ms", "PT0.5S"), List.of("2m", "PT2M"), List.of("1h", "PT1H"),
                List.of("PT1M30S", "PT1M30S"), List.of("0", "PT0S"))) {
            Rule rule = RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    cooldown: " + c.get(0) + "\n", "f")
                    .rule("a").orElseThrow();
            assertThat(rule.cooldown()).isEqualTo(Duration.parse(c.get(1)));
        }
    }

    @Test
    void aDurationTooLargeToHoldIsAClearErrorNotACrash() {
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    cooldown: 99999999999999999999h\n",
                "f")).hasMessageContaining("'cooldown' must be a duration");
    }

    @Test
    void backoffDoublesUpToItsCapAndBoundsTheWorstCase() {
        WebhookTarget target = new WebhookTarget(URI.create("http://h/"), Duration.ofSeconds(1), 5,
                Duration.ofMillis(100), Duration.ofMillis(300));
        assertThat(List.of(target.backoffAfter(1), target.backoffAfter(2), target.backoffAfter(3),
                target.backoffAfter(4))).extracting(Duration::toMillis).containsExactly(100L, 200L, 300L, 300L);
        assertThat(target.worstCase()).isEqualTo(Duration.ofMillis(5000 + 100 + 200 + 300 + 300));
    }

    @Test
    void triggerChangesWithWhatDecidesFiringButNotWithOutputs() throws Exception {
        Rule base = RulesLoader.parse("rules:\n  - name: a\n    labels: x\n", "f").rule("a").orElseThrow();
        Rule otherOutput = RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    outputs:\n      stdout: false\n",
                "f").rule("a").orElseThrow();
        Rule otherScore = RulesLoader.parse("rules:\n  - name: a\n    labels: x\n    min-score: 0.5\n", "f")
                .rule("a").orElseThrow();
        assertThat(otherOutput.trigger()).isEqualTo(base.trigger());
        assertThat(otherScore.trigger()).isNotEqualTo(base.trigger());
    }

    @Test
    void readsACameraHealthRuleAndFillsItsDefaults() throws Exception {
        String yaml = """
                rules:
                  - name: fall
                    labels: [falling]
                  - name: camera-down
                    cameras: ["lobby-*"]
                    health:
                      offline-after: 30s
                      degraded-below-fps: 12.5
                      degraded-for: 1m
                      recovered-after: 2m
                    outputs: {topic: ops-alerts}
                  - name: camera-offline
                    health: {offline-after: 10s}
                """;
        RuleSet rules = RulesLoader.parse(yaml, "rules.yaml");

        assertThat(rules.rules()).extracting(Rule::name).containsExactly("fall", "camera-down", "camera-offline");
        assertThat(rules.labelRules()).extracting(Rule::name).containsExactly("fall");
        assertThat(rules.healthRules()).extracting(Rule::name).containsExactly("camera-down", "camera-offline");
        Rule down = rules.rule("camera-down").orElseThrow();
        assertThat(down.isHealthRule()).isTrue();
        assertThat(down.labels()).isEmpty();
        assertThat(down.matches("falling", 1f)).isFalse();
        assertThat(down.watches("lobby-2")).isTrue();
        assertThat(down.watches("cam-2")).isFalse();
        assertThat(down.health()).isEqualTo(new HealthCheck(Duration.ofSeconds(30), 12.5f, Duration.ofMinutes(1),
                Duration.ofMinutes(2)));
        assertThat(down.health()).hasToString(
                "offline-after 30s, degraded-below-fps 12.5, degraded-for 1m, recovered-after 2m");
        assertThat(rules.alertTopics()).containsExactly("alerts", "ops-alerts");

        HealthCheck offline = rules.rule("camera-offline").orElseThrow().health();
        assertThat(offline.watchesOffline()).isTrue();
        assertThat(offline.watchesFrameRate()).isFalse();
        assertThat(offline.recoveredAfter()).isEqualTo(HealthCheck.DEFAULT_RECOVERED_AFTER);
        assertThat(offline.degradedFor()).isEqualTo(HealthCheck.DEFAULT_DEGRADED_FOR);
    }

    @Test
    void aCameraHealthRuleIsValidatedWithItsLineAndField() {
        assertThatThrownBy(() -> RulesLoader.parse(
                "rules:\n  - name: h\n    labels: [x]\n    health: {offline-after: 10s}\n", "f"))
                .hasMessageStartingWith("f:3:5: rule 'h': a camera health rule (with 'health') takes no 'labels'");
        assertThatThrownBy(() -> RulesLoader.parse(
                "rules:\n  - name: h\n    health: {offline-after: 10s}\n    cooldown: 1m\n", "f"))
                .hasMessageStartingWith("f:4:5: rule 'h': a camera health rule (with 'health') takes no 'cooldown'");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {recovered-after: 1m}\n", "f"))
                .hasMessageStartingWith("f:3:13: rule 'h': 'health' needs 'offline-after'")
                .hasMessageContaining("'degraded-below-fps'");
        assertThatThrownBy(() -> RulesLoader.parse(
                "rules:\n  - name: h\n    health: {offline-after: 10s, degraded-for: 1m}\n", "f"))
                .hasMessage("f:3:34: rule 'h': 'health': 'degraded-for' needs 'degraded-below-fps' (the frame rate a"
                        + " camera is degraded below)");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {offline-after: 0}\n", "f"))
                .hasMessage("f:3:29: rule 'h': 'health'.offline-after must be more than 0");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {offline-after: soon}\n", "f"))
                .hasMessageContaining("f:3:29: rule 'h': 'health'.offline-after must be a duration");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {degraded-below-fps: -5}\n",
                "f")).hasMessage("f:3:34: rule 'h': 'health'.degraded-below-fps must be a frame rate above 0 and at"
                        + " most 1000, got -5");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {degraded-below-fps: 30s}\n",
                "f")).hasMessageContaining("'health'.degraded-below-fps must be a number, got '30s'");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: {offline_after: 10s}\n", "f"))
                .hasMessageStartingWith("f:3:14: rule 'h': 'health': unknown field 'offline_after'")
                .hasMessageContaining("offline-after");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    health: 10s\n", "f"))
                .hasMessageStartingWith("f:3:13: rule 'h': 'health' must be a mapping");
        assertThatThrownBy(() -> RulesLoader.parse("rules:\n  - name: h\n    cameras: all\n", "f"))
                .hasMessageContaining("missing 'labels' (one label or a list of labels), or 'health' for a camera"
                        + " health rule");
    }

    @Test
    void aHealthRulesTriggerChangesWithItsThresholds() throws Exception {
        Rule base = RulesLoader.parse("rules:\n  - name: h\n    health: {offline-after: 10s}\n", "f").rule("h")
                .orElseThrow();
        Rule later = RulesLoader.parse("rules:\n  - name: h\n    health: {offline-after: 20s}\n", "f").rule("h")
                .orElseThrow();
        Rule routed = RulesLoader.parse(
                "rules:\n  - name: h\n    health: {offline-after: 10s}\n    outputs: {stdout: false}\n", "f")
                .rule("h").orElseThrow();
        assertThat(later.trigger()).isNotEqualTo(base.trigger());
        assertThat(routed.trigger()).isEqualTo(base.trigger());
    }
}

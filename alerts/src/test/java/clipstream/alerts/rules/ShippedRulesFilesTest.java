package clipstream.alerts.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The rules files the repository ships load with {@link RulesLoader}, name only labels of the committed models, the
 * docker-compose stack and the demo carry the people rules of {@code alerts/rules.people.example.yaml}, and the
 * example, the stack and the demo watch camera health.
 */
class ShippedRulesFilesTest {
    /** Tests run in the module's folder. */
    private static final Path REPOSITORY = Path.of("..");
    private static final Path PEOPLE_EXAMPLE = Path.of("rules.people.example.yaml");
    private static final List<Path> SHIPPED = List.of(Path.of("rules.example.yaml"), PEOPLE_EXAMPLE,
            REPOSITORY.resolve("docker/alerts/rules.yaml"),
            REPOSITORY.resolve("local-stack/src/main/resources/demo/rules.yaml"));

    @Test
    void thePeopleExampleHasTheDocumentedRules() throws Exception {
        RuleSet rules = RulesLoader.load(PEOPLE_EXAMPLE);

        assertThat(rules.rules()).extracting(Rule::name)
                .containsExactly("person-fell", "person-running", "someone-waving-for-help", "fight-like-motion");
        Rule fell = rules.rule("person-fell").orElseThrow();
        assertThat(fell.labels()).containsExactly("fall");
        assertThat(fell.minConsecutive()).isEqualTo(1);
        assertThat(fell.cooldown()).isEqualTo(Duration.ofSeconds(30));
        Rule running = rules.rule("person-running").orElseThrow();
        assertThat(running.labels()).containsExactly("run");
        assertThat(running.minConsecutive()).isEqualTo(2);
        Rule waving = rules.rule("someone-waving-for-help").orElseThrow();
        assertThat(waving.labels()).containsExactly("wave");
        assertThat(waving.minConsecutive()).isEqualTo(3);
        Rule fight = rules.rule("fight-like-motion").orElseThrow();
        assertThat(fight.labels()).containsExactlyInAnyOrder("punch", "kick");
        assertThat(fight.minConsecutive()).isEqualTo(2);
        assertThat(rules.rules()).allSatisfy(rule -> assertThat(rule.cameras().matchesAll()).isTrue());
    }

    @Test
    void everyShippedRuleNamesALabelOfACommittedModel() throws Exception {
        Set<String> labels = new TreeSet<>(labels("c3d-small"));
        labels.addAll(labels("posec3d-small"));
        for (Path file : SHIPPED) {
            for (Rule rule : RulesLoader.load(file).rules()) {
                assertThat(labels).as("labels of rule %s in %s", rule.name(), file).containsAll(rule.labels());
            }
        }
    }

    @Test
    void theComposeStackAndTheDemoCarryThePeopleRules() throws Exception {
        RuleSet people = RulesLoader.load(PEOPLE_EXAMPLE);
        for (Path file : SHIPPED.subList(2, SHIPPED.size())) {
            RuleSet rules = RulesLoader.load(file);
            for (Rule rule : people.rules()) {
                assertThat(rules.rule(rule.name()).map(Rule::trigger)).as("rule %s in %s", rule.name(), file)
                        .contains(rule.trigger());
            }
        }
    }

    @Test
    void theExampleTheComposeStackAndTheDemoWatchCameraHealth() throws Exception {
        for (Path file : List.of(SHIPPED.get(0), SHIPPED.get(2), SHIPPED.get(3))) {
            Rule health = RulesLoader.load(file).rule("camera-health").orElseThrow(
                    () -> new AssertionError("no camera-health rule in " + file));
            assertThat(health.isHealthRule()).as(file.toString()).isTrue();
            assertThat(health.cameras().matchesAll()).as(file.toString()).isTrue();
            assertThat(health.health().offlineAfter()).as("offline-after in %s: well above the job's 10 s checkpoints",
                    file).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(health.health().recoveredAfter()).as(file.toString()).isPositive();
        }
    }

    /** The labels in the manifest of the store's CURRENT version of {@code model}. */
    private static List<String> labels(String model) throws IOException {
        Path folder = REPOSITORY.resolve("model-store/models").resolve(model);
        String version = Files.readString(folder.resolve("CURRENT")).strip();
        JsonNode manifest = new ObjectMapper().readTree(folder.resolve(version).resolve("manifest.json").toFile());
        List<String> labels = new ArrayList<>();
        manifest.get("labels").forEach(label -> labels.add(label.asText()));
        assertThat(labels).as("labels of %s", model).isNotEmpty();
        return labels;
    }
}

package clipstream.alerts.rules;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The rules of one rules file, in file order, with unique names. Immutable. */
public final class RuleSet {
    private final Map<String, Rule> byName = new LinkedHashMap<>();
    private final List<Rule> labelRules;
    private final List<Rule> healthRules;

    public RuleSet(List<Rule> rules) {
        for (Rule rule : rules) {
            if (byName.putIfAbsent(rule.name(), rule) != null) {
                throw new IllegalArgumentException("duplicate rule name '" + rule.name() + "'");
            }
        }
        labelRules = byName.values().stream().filter(rule -> !rule.isHealthRule()).toList();
        healthRules = byName.values().stream().filter(Rule::isHealthRule).toList();
    }

    /** Every rule, label and camera health rules, in file order. */
    public Collection<Rule> rules() {
        return byName.values();
    }

    /** The rules over clip events' labels, in file order. */
    public List<Rule> labelRules() {
        return labelRules;
    }

    /** The camera health rules, in file order. */
    public List<Rule> healthRules() {
        return healthRules;
    }

    public Optional<Rule> rule(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every topic some rule writes its alerts to. */
    public Set<String> alertTopics() {
        Set<String> topics = new TreeSet<>();
        byName.values().forEach(rule -> topics.add(rule.outputs().topic()));
        return topics;
    }

    /** The topics whose alerts some rule also sends to a webhook. */
    public Set<String> webhookTopics() {
        Set<String> topics = new TreeSet<>();
        byName.values().stream().filter(rule -> !rule.outputs().webhooks().isEmpty())
                .forEach(rule -> topics.add(rule.outputs().topic()));
        return topics;
    }

    @Override
    public String toString() {
        return byName.keySet().toString();
    }
}

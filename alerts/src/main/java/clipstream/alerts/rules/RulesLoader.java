package clipstream.alerts.rules;

import clipstream.common.time.Durations;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads and validates a rules file (format: see the package documentation). Every problem is reported as
 * {@code file:line:column: what is wrong}, naming the rule and field, and unknown keys are errors (a typo must
 * not silently switch a rule off).
 */
public final class RulesLoader {
    private static final Set<String> TOP_KEYS = Set.of("rules");
    private static final Set<String> RULE_KEYS =
            Set.of("name", "labels", "min-score", "cameras", "min-consecutive", "cooldown", "outputs", "health");
    /** The fields of a label rule that a camera health rule does not take. */
    private static final List<String> LABEL_ONLY_KEYS = List.of("labels", "min-score", "min-consecutive", "cooldown");
    private static final Set<String> HEALTH_KEYS =
            Set.of("offline-after", "degraded-below-fps", "degraded-for", "recovered-after");
    private static final Set<String> OUTPUT_KEYS = Set.of("topic", "stdout", "webhook");
    private static final Set<String> WEBHOOK_KEYS = Set.of("url", "timeout", "attempts", "backoff", "max-backoff");
    /** Far above any camera's frame rate: a larger threshold is a typo (a duration or a percentage). */
    private static final double MAX_FPS = 1000;
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final String source;

    private RulesLoader(String source) {
        this.source = source;
    }

    /** Loads and validates {@code file}. */
    public static RuleSet load(Path file) throws RulesFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RulesFileException(file + ": rules file not found (check --rules)");
        } catch (IOException e) {
            throw new RulesFileException(file + ": cannot read rules file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses and validates rules from {@code yaml}; {@code source} names it in messages. */
    public static RuleSet parse(String yaml, String source) throws RulesFileException {
        return new RulesLoader(source).read(new StringReader(yaml));
    }

    private RuleSet read(Reader reader) throws RulesFileException {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new RulesFileException(at(mark) + "YAML syntax error: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new RulesFileException(source + ": YAML error: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new RulesFileException(source + ": the rules file is empty; expected a 'rules:' list");
        }
        Map<String, NodeTuple> top = mapping(root, "the file", TOP_KEYS);
        NodeTuple rulesEntry = top.get("rules");
        if (rulesEntry == null) {
            throw new RulesFileException(at(root) + "missing 'rules:' (a list of rules)");
        }
        if (!(rulesEntry.getValueNode() instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            throw new RulesFileException(at(rulesEntry.getValueNode()) + "'rules' must be a non-empty list of rules");
        }
        List<Rule> rules = new ArrayList<>();
        Map<String, Node> seen = new LinkedHashMap<>();
        for (Node ruleNode : sequence.getValue()) {
            Rule rule = rule(ruleNode, rules.size() + 1);
            Node earlier = seen.putIfAbsent(rule.name(), ruleNode);
            if (earlier != null) {
                throw new RulesFileException(at(ruleNode) + "duplicate rule name '" + rule.name()
                        + "' (first defined at line " + (earlier.getStartMark().getLine() + 1) + ")");
            }
            rules.add(rule);
        }
        return new RuleSet(rules);
    }

    private Rule rule(Node node, int index) throws RulesFileException {
        Map<String, NodeTuple> fields = mapping(node, "rule #" + index, RULE_KEYS);
        String name = requiredString(fields, "name", node, "rule #" + index);
        String where = "rule '" + name + "'";
        CameraSelector cameras = cameras(fields, where);
        RuleOutputs outputs = fields.containsKey("outputs")
                ? outputs(fields.get("outputs").getValueNode(), where + ": 'outputs'")
                : RuleOutputs.defaults();
        if (fields.containsKey("health")) {
            for (String key : LABEL_ONLY_KEYS) {
                if (fields.containsKey(key)) {
                    throw new RulesFileException(at(fields.get(key).getKeyNode()) + where + ": a camera health rule"
                            + " (with 'health') takes no '" + key + "': it watches whether the cameras' clip events"
                            + " arrive, whatever their labels; put label conditions in a rule of their own");
                }
            }
            HealthCheck health = health(fields.get("health").getValueNode(), where + ": 'health'");
            return Rule.health(name, cameras, health, outputs);
        }

        NodeTuple labelsEntry = fields.get("labels");
        if (labelsEntry == null) {
            throw new RulesFileException(at(node) + where + ": missing 'labels' (one label or a list of labels),"
                    + " or 'health' for a camera health rule");
        }
        Set<String> labels = new LinkedHashSet<>(stringList(labelsEntry.getValueNode(), where + ": 'labels'"));

        float minScore = 0f;
        if (fields.containsKey("min-score")) {
            Node value = fields.get("min-score").getValueNode();
            double score = number(value, where + ": 'min-score'");
            if (score < 0 || score > 1) {
                throw new RulesFileException(at(value) + where + ": 'min-score' must be between 0 and 1, got " + score);
            }
            minScore = (float) score;
        }

        int minConsecutive = 1;
        if (fields.containsKey("min-consecutive")) {
            Node value = fields.get("min-consecutive").getValueNode();
            minConsecutive = integer(value, where + ": 'min-consecutive'");
            if (minConsecutive < 1) {
                throw new RulesFileException(at(value) + where + ": 'min-consecutive' must be at least 1, got "
                        + minConsecutive);
            }
        }

        Duration cooldown = fields.containsKey("cooldown")
                ? duration(fields.get("cooldown").getValueNode(), where + ": 'cooldown'")
                : Duration.ZERO;
        return new Rule(name, labels, minScore, cameras, minConsecutive, cooldown, outputs);
    }

    private CameraSelector cameras(Map<String, NodeTuple> fields, String where) throws RulesFileException {
        if (!fields.containsKey("cameras")) {
            return CameraSelector.all();
        }
        Node value = fields.get("cameras").getValueNode();
        if (value instanceof ScalarNode scalar && scalar.getValue().equals("all")) {
            return CameraSelector.all();
        }
        return CameraSelector.of(stringList(value, where + ": 'cameras'"));
    }

    private HealthCheck health(Node node, String where) throws RulesFileException {
        Map<String, NodeTuple> fields = mapping(node, where, HEALTH_KEYS);
        Duration offlineAfter = fields.containsKey("offline-after")
                ? positive(fields.get("offline-after").getValueNode(), where + ".offline-after")
                : null;
        float belowFps = 0f;
        if (fields.containsKey("degraded-below-fps")) {
            Node value = fields.get("degraded-below-fps").getValueNode();
            double fps = number(value, where + ".degraded-below-fps");
            if (!(fps > 0) || fps > MAX_FPS) {
                throw new RulesFileException(at(value) + where + ".degraded-below-fps must be a frame rate above 0"
                        + " and at most " + (int) MAX_FPS + ", got " + scalar(value, where));
            }
            belowFps = (float) fps;
        }
        if (fields.containsKey("degraded-for") && belowFps == 0f) {
            throw new RulesFileException(at(fields.get("degraded-for").getKeyNode()) + where
                    + ": 'degraded-for' needs 'degraded-below-fps' (the frame rate a camera is degraded below)");
        }
        if (offlineAfter == null && belowFps == 0f) {
            throw new RulesFileException(at(node) + where + " needs 'offline-after' (e.g. 30s: a camera without a"
                    + " clip event for that long is offline), 'degraded-below-fps' (e.g. 10: a camera whose frame rate"
                    + " stays below it is degraded) or both");
        }
        Duration degradedFor = fields.containsKey("degraded-for")
                ? duration(fields.get("degraded-for").getValueNode(), where + ".degraded-for")
                : HealthCheck.DEFAULT_DEGRADED_FOR;
        Duration recoveredAfter = fields.containsKey("recovered-after")
                ? duration(fields.get("recovered-after").getValueNode(), where + ".recovered-after")
                : HealthCheck.DEFAULT_RECOVERED_AFTER;
        return new HealthCheck(offlineAfter, belowFps, degradedFor, recoveredAfter);
    }

    private RuleOutputs outputs(Node node, String where) throws RulesFileException {
        Map<String, NodeTuple> fields = mapping(node, where, OUTPUT_KEYS);
        String topic = RuleOutputs.DEFAULT_TOPIC;
        if (fields.containsKey("topic")) {
            Node value = fields.get("topic").getValueNode();
            topic = scalar(value, where + ".topic");
            if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new RulesFileException(at(value) + where + ".topic: '" + topic
                        + "' is not a valid Kafka topic name (letters, digits, '.', '_', '-')");
            }
        }
        boolean stdout = true;
        if (fields.containsKey("stdout")) {
            stdout = bool(fields.get("stdout").getValueNode(), where + ".stdout");
        }
        List<WebhookTarget> webhooks = new ArrayList<>();
        if (fields.containsKey("webhook")) {
            Node value = fields.get("webhook").getValueNode();
            if (value instanceof SequenceNode list) {
                for (Node item : list.getValue()) {
                    webhooks.add(webhook(item, where + ".webhook"));
                }
            } else {
                webhooks.add(webhook(value, where + ".webhook"));
            }
        }
        return new RuleOutputs(topic, stdout, webhooks);
    }

    private WebhookTarget webhook(Node node, String where) throws RulesFileException {
        Map<String, NodeTuple> fields = mapping(node, where, WEBHOOK_KEYS);
        NodeTuple urlEntry = fields.get("url");
        if (urlEntry == null) {
            throw new RulesFileException(at(node) + where + ": missing 'url'");
        }
        String text = scalar(urlEntry.getValueNode(), where + ".url");
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new RulesFileException(at(urlEntry.getValueNode()) + where + ".url: not a URL: " + e.getMessage());
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new RulesFileException(at(urlEntry.getValueNode()) + where + ".url: '" + text
                    + "' must be an absolute http:// or https:// URL");
        }
        Duration timeout = fields.containsKey("timeout")
                ? positive(fields.get("timeout").getValueNode(), where + ".timeout")
                : WebhookTarget.DEFAULT_TIMEOUT;
        int attempts = WebhookTarget.DEFAULT_ATTEMPTS;
        if (fields.containsKey("attempts")) {
            Node value = fields.get("attempts").getValueNode();
            attempts = integer(value, where + ".attempts");
            if (attempts < 1) {
                throw new RulesFileException(at(value) + where + ".attempts must be at least 1, got " + attempts);
            }
        }
        Duration backoff = fields.containsKey("backoff")
                ? duration(fields.get("backoff").getValueNode(), where + ".backoff")
                : WebhookTarget.DEFAULT_BACKOFF;
        Duration maxBackoff = fields.containsKey("max-backoff")
                ? duration(fields.get("max-backoff").getValueNode(), where + ".max-backoff")
                : WebhookTarget.DEFAULT_MAX_BACKOFF;
        if (maxBackoff.compareTo(backoff) < 0) {
            maxBackoff = backoff;
        }
        return new WebhookTarget(url, timeout, attempts, backoff, maxBackoff);
    }

    private Map<String, NodeTuple> mapping(Node node, String what, Set<String> allowed) throws RulesFileException {
        if (!(node instanceof MappingNode map)) {
            throw new RulesFileException(at(node) + what + " must be a mapping of key: value, got "
                    + describe(node));
        }
        Map<String, NodeTuple> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            Node keyNode = tuple.getKeyNode();
            String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : null;
            if (key == null || !allowed.contains(key)) {
                throw new RulesFileException(at(keyNode) + what + ": unknown field '" + (key == null ? "?" : key)
                        + "' (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            if (fields.put(key, tuple) != null) {
                throw new RulesFileException(at(keyNode) + what + ": field '" + key + "' is given twice");
            }
        }
        return fields;
    }

    private String requiredString(Map<String, NodeTuple> fields, String key, Node owner, String what)
            throws RulesFileException {
        NodeTuple entry = fields.get(key);
        if (entry == null) {
            throw new RulesFileException(at(owner) + what + ": missing '" + key + "'");
        }
        String value = scalar(entry.getValueNode(), what + ": '" + key + "'");
        if (value.isBlank()) {
            throw new RulesFileException(at(entry.getValueNode()) + what + ": '" + key + "' must not be empty");
        }
        return value;
    }

    private String scalar(Node node, String what) throws RulesFileException {
        if (!(node instanceof ScalarNode scalar) || node.getTag().equals(Tag.NULL)) {
            throw new RulesFileException(at(node) + what + " must be a single value, got " + describe(node));
        }
        return scalar.getValue();
    }

    private List<String> stringList(Node node, String what) throws RulesFileException {
        List<String> values = new ArrayList<>();
        if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                values.add(scalar(item, what + " entries"));
            }
        } else {
            values.add(scalar(node, what));
        }
        if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw new RulesFileException(at(node) + what + " must list at least one non-empty value");
        }
        return values;
    }

    private double number(Node node, String what) throws RulesFileException {
        String text = scalar(node, what);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new RulesFileException(at(node) + what + " must be a number, got '" + text + "'");
        }
    }

    private int integer(Node node, String what) throws RulesFileException {
        String text = scalar(node, what);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RulesFileException(at(node) + what + " must be a whole number, got '" + text + "'");
        }
    }

    private boolean bool(Node node, String what) throws RulesFileException {
        String text = scalar(node, what);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new RulesFileException(at(node) + what + " must be true or false, got '" + text + "'");
        };
    }

    private Duration positive(Node node, String what) throws RulesFileException {
        Duration duration = duration(node, what);
        if (duration.isZero()) {
            throw new RulesFileException(at(node) + what + " must be more than 0");
        }
        return duration;
    }

    private Duration duration(Node node, String what) throws RulesFileException {
        String text = scalar(node, what).trim();
        return Durations.tryParse(text).orElseThrow(() -> new RulesFileException(at(node) + what + " must be a "
                + Durations.SYNTAX + ", got '" + text + "'"));
    }

    private String at(Node node) {
        return at(node.getStartMark());
    }

    private String at(Mark mark) {
        return mark == null ? source + ": " : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return node.getTag().equals(Tag.NULL) ? "nothing" : "'" + scalar.getValue() + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }
}

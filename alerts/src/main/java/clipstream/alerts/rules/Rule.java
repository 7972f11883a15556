package clipstream.alerts.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * One alerting rule, of one of two kinds.
 *
 * <p>A <em>label rule</em> ({@code health} null): an event <em>matches</em> it when the event's camera is selected,
 * its label is one of {@code labels} and its score is at least {@code minScore}. An alert is raised when
 * {@code minConsecutive} matching events in a row arrive from one camera — from one person on it, for person events
 * (with a track id) — and that camera (or person) is not cooling down after the rule's previous alert there; see
 * {@link clipstream.alerts.engine.RuleEngine} for the exact semantics.
 *
 * <p>A <em>camera health rule</em> ({@code health} set; no labels, score, streak or cooldown): watches whether the
 * selected cameras' clip events keep arriving, and at what frame rate; see {@link HealthCheck}.
 */
public record Rule(String name, Set<String> labels, float minScore, CameraSelector cameras, int minConsecutive,
                   Duration cooldown, RuleOutputs outputs, HealthCheck health) {

    public Rule {
        labels = Set.copyOf(labels);
        if (health != null && !labels.isEmpty()) {
            throw new IllegalArgumentException("a camera health rule has no labels, got " + labels);
        }
    }

    /** A label rule. */
    public Rule(String name, Set<String> labels, float minScore, CameraSelector cameras, int minConsecutive,
                Duration cooldown, RuleOutputs outputs) {
        this(name, labels, minScore, cameras, minConsecutive, cooldown, outputs, null);
    }

    /** A camera health rule. */
    public static Rule health(String name, CameraSelector cameras, HealthCheck health, RuleOutputs outputs) {
        return new Rule(name, Set.of(), 0f, cameras, 1, Duration.ZERO, outputs, health);
    }

    /** Whether this is a camera health rule rather than a label rule. */
    public boolean isHealthRule() {
        return health != null;
    }

    public boolean watches(String cameraId) {
        return cameras.matches(cameraId);
    }

    /** Whether a label rule matches an event with {@code label} and {@code score}; never for a health rule. */
    public boolean matches(String label, float score) {
        return labels.contains(label) && score >= minScore;
    }

    /**
     * A digest of everything that decides when this rule fires (not where the alert goes). State kept for a rule
     * is reused only by a rule with the same name and trigger, after a reload or a restart.
     */
    public String trigger() {
        String canonical = String.join("\u0000", name, new TreeSet<>(labels).toString(), Float.toString(minScore),
                cameras.toString(), Integer.toString(minConsecutive), Long.toString(cooldown.toMillis()))
                + (health == null ? "" : "\u0000health\u0000" + health);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

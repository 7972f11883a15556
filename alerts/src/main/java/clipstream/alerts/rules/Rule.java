package clipstream.alerts.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * One alerting rule. An event <em>matches</em> it when the event's camera is selected, its label is one of
 * {@code labels} and its score is at least {@code minScore}. An alert is raised when {@code minConsecutive}
 * matching events in a row arrive from one camera — from one person on it, for person events (with a track id) —
 * and that camera (or person) is not cooling down after the rule's previous alert there; see
 * {@link clipstream.alerts.engine.RuleEngine} for the exact semantics.
 */
public record Rule(String name, Set<String> labels, float minScore, CameraSelector cameras, int minConsecutive,
                   Duration cooldown, RuleOutputs outputs) {

    public Rule {
        labels = Set.copyOf(labels);
    }

    public boolean watches(String cameraId) {
        return cameras.matches(cameraId);
    }

    public boolean matches(String label, float score) {
        return labels.contains(label) && score >= minScore;
    }

    /**
     * A digest of everything that decides when this rule fires (not where the alert goes). State kept for a rule
     * is reused only by a rule with the same name and trigger, after a reload or a restart.
     */
    public String trigger() {
        String canonical = String.join("\u0000", name, new TreeSet<>(labels).toString(), Float.toString(minScore),
                cameras.toString(), Integer.toString(minConsecutive), Long.toString(cooldown.toMillis()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package clipstream.model.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Held-out results of a classifier: the confusion matrix and what follows from it. */
public record Evaluation(List<String> labels, int[][] confusion) {

    /** Counts {@code predictions} against {@code truth} (class indices). */
    public static Evaluation of(List<String> labels, int[] truth, int[] predictions) {
        int[][] confusion = new int[labels.size()][labels.size()];
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predictions[i]]++;
        }
        return new Evaluation(List.copyOf(labels), confusion);
    }

    public int total() {
        int total = 0;
        for (int[] row : confusion) {
            for (int n : row) {
                total += n;
            }
        }
        return total;
    }

    public double accuracy() {
        int correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return total() == 0 ? 0 : (double) correct / total();
    }

    /** Of the clips predicted as class {@code c}, the share that were {@code c}. */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** Of the clips of class {@code c}, the share predicted as {@code c}. */
    public double recall(int c) {
        int support = support(c);
        return support == 0 ? 0 : (double) confusion[c][c] / support;
    }

    public int support(int c) {
        int support = 0;
        for (int n : confusion[c]) {
            support += n;
        }
        return support;
    }

    /** {@code {accuracy, clips, per_class: {label: {precision, recall, support}}, confusion: [[...]]}}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("accuracy", accuracy());
        json.put("clips", total());
        ObjectNode perClass = json.putObject("per_class");
        for (int c = 0; c < labels.size(); c++) {
            ObjectNode entry = perClass.putObject(labels.get(c));
            entry.put("precision", precision(c));
            entry.put("recall", recall(c));
            entry.put("support", support(c));
        }
        var matrix = json.putArray("confusion");
        for (int[] row : confusion) {
            var r = matrix.addArray();
            for (int n : row) {
                r.add(n);
            }
        }
        return json;
    }

    /** A readable table: per-class precision and recall, then the accuracy. */
    public String report() {
        StringBuilder out = new StringBuilder(String.format("%-12s %9s %9s %8s%n", "label", "precision", "recall", "clips"));
        for (int c = 0; c < labels.size(); c++) {
            out.append(String.format(java.util.Locale.ROOT, "%-12s %9.3f %9.3f %8d%n", labels.get(c), precision(c),
                    recall(c), support(c)));
        }
        return out.append(String.format(java.util.Locale.ROOT, "accuracy %.4f on %d held-out clips%n", accuracy(),
                total())).toString();
    }
}

package clipstream.it.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;

/** p50/p95/p99 (nearest rank) of a set of millisecond values; -1 for each when there are none. */
record Percentiles(long count, double p50, double p95, double p99, double max) {
    static final Percentiles NONE = new Percentiles(0, -1, -1, -1, -1);

    static Percentiles of(Collection<? extends Number> values) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return NONE;
        }
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    ObjectNode json() {
        return JsonNodeFactory.instance.objectNode().put("count", count).put("p50", p50).put("p95", p95)
                .put("p99", p99).put("max", max);
    }

    @Override
    public String toString() {
        return count == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.0f/%.0f/%.0f", p50, p95, p99);
    }
}

package clipstream.common.stats;

import java.util.Collection;
import java.util.Locale;

/**
 * p50/p95/p99 and the maximum of a set of values by the nearest-rank method (the smallest value with at least
 * p % of the values at or below it); -1 for each when there are none. The demo's summary and the benchmarks
 * report latencies with it.
 */
public record Percentiles(long count, double p50, double p95, double p99, double max) {
    public static final Percentiles NONE = new Percentiles(0, -1, -1, -1, -1);

    public static Percentiles of(Collection<? extends Number> values) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return NONE;
        }
        return new Percentiles(sorted.length, nearestRank(sorted, 50), nearestRank(sorted, 95),
                nearestRank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code percent} percentile of ascending {@code sorted}; -1 when it is empty. */
    public static double nearestRank(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** {@code p50/p95/p99} rounded to whole numbers, or {@code -} without values. */
    @Override
    public String toString() {
        return count == 0 ? "-" : String.format(Locale.ROOT, "%.0f/%.0f/%.0f", p50, p95, p99);
    }
}

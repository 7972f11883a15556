package clipstream.model.pose;

import java.util.Arrays;
import java.util.Collection;

/**
 * Count, mean, standard deviation (n − 1) and quantiles of a sample, for the pose-noise measurements. Quantiles
 * interpolate linearly between order statistics (R's type 7), which suits the small samples there (17 joints, a few
 * dozen frames) better than a nearest rank. Every field is NaN when the sample is empty.
 */
public record SampleSummary(long count, double mean, double sd, double min, double p05, double p25, double median,
                            double p75, double p95, double max) {

    public static SampleSummary of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** The summary of the finite values among {@code values} (NaN marks a value that could not be measured). */
    public static SampleSummary of(double[] values) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return new SampleSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(sorted).sum() / n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : Double.NaN;
        return new SampleSummary(n, mean, sd, sorted[0], quantile(sorted, 0.05), quantile(sorted, 0.25),
                quantile(sorted, 0.5), quantile(sorted, 0.75), quantile(sorted, 0.95), sorted[n - 1]);
    }

    /** The median of the finite values among {@code values}; NaN when there are none. */
    public static double medianOf(double[] values) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : quantile(sorted, 0.5);
    }

    /** The {@code q} quantile (0-1) of ascending, non-empty {@code sorted}, interpolated between neighbours. */
    static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }
}

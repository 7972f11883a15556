package clipstream.job.operators;

import clipstream.job.records.Clip;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The metrics every inference operator reports under the same names (whether it classifies clips or streams), so the
 * dashboards, the Prometheus panels and the benchmarks read either: {@code clipsClassified}, {@code inferenceMicros},
 * {@code batchSize}, {@code inferenceLatencyMs}, {@code endToEndLatencyMs}, {@code clipCompleteLatencyMs},
 * {@code batchWaitMs}.
 */
final class InferenceMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;

    private final Counter clipsClassified;
    private final Counter inferenceMicros;
    private final Histogram batchSizes;
    private final Histogram inferenceMillis;
    private final Histogram endToEndMillis;
    private final Histogram clipCompleteMillis;
    private final Histogram batchWaitMillis;

    InferenceMetrics(MetricGroup metrics) {
        clipsClassified = metrics.counter("clipsClassified");
        inferenceMicros = metrics.counter("inferenceMicros");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMillis = metrics.histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        endToEndMillis = metrics.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        clipCompleteMillis = metrics.histogram("clipCompleteLatencyMs",
                new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        batchWaitMillis = metrics.histogram("batchWaitMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    /** One batch of {@code size} clips (or chunks) through the model in {@code nanos}. */
    void batch(int size, long nanos) {
        batchSizes.update(size);
        inferenceMillis.update(Math.round(nanos / 1e6));
        inferenceMicros.inc(nanos / 1_000);
    }

    /** How long {@code clip} took to complete after its last frame, and waited for the model to start on it. */
    void waited(Clip clip, long modelStartedAtMillis) {
        clipCompleteMillis.update(clip.completedAt() - clip.endTime());
        batchWaitMillis.update(modelStartedAtMillis - clip.completedAt());
    }

    /** An event emitted at {@code nowMillis} for a clip whose last frame was captured at {@code clipEndMillis}. */
    void emitted(long clipEndMillis, long nowMillis) {
        endToEndMillis.update(nowMillis - clipEndMillis);
        clipsClassified.inc();
    }
}

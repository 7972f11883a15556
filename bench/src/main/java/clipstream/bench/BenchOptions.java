package clipstream.bench;

import clipstream.model.runtime.Precision;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the job is set up in every run of a suite: the model, clip stride, batching, TensorFlow threads, Flink
 * parallelism, checkpoint interval and out-of-orderness bound, how long to wait for the last events, and where
 * JSON and PNG go.
 *
 * @param intraOpThreads TensorFlow intra-op threads, resolved (at least 1): the bare model uses the same
 * @param threadSpinning whether TensorFlow's idle pool threads spin (the job's default: no); the bare model the same
 * @param precision float32 or bfloat16 (oneDNN mixed precision) for the job's model; the bare model the same
 */
record BenchOptions(Path store, String model, int stride, int batchSize, Duration batchTimeout, int intraOpThreads,
                    int interOpThreads, boolean threadSpinning, int parallelism, Duration checkpointInterval,
                    Duration outOfOrderness, long drainTimeoutSeconds, Path outDir, Precision precision) {

    BenchOptions {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be resolved to >= 1, got " + intraOpThreads + "/"
                    + interOpThreads);
        }
    }

    /** The same settings with clips every {@code newStride} frames. */
    BenchOptions withStride(int newStride) {
        return new BenchOptions(store, model, newStride, batchSize, batchTimeout, intraOpThreads, interOpThreads,
                threadSpinning, parallelism, checkpointInterval, outOfOrderness, drainTimeoutSeconds, outDir,
                precision);
    }

    /** The same settings with another model of the store (its CURRENT version). */
    BenchOptions withModel(String newModel) {
        return new BenchOptions(store, newModel, stride, batchSize, batchTimeout, intraOpThreads, interOpThreads,
                threadSpinning, parallelism, checkpointInterval, outOfOrderness, drainTimeoutSeconds, outDir,
                precision);
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}

package clipstream.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the job is set up in every run of a suite: the model, clip stride, batching, TensorFlow threads, Flink
 * parallelism, checkpoint interval and out-of-orderness bound, how long to wait for the last events, and where
 * JSON and PNG go.
 *
 * @param intraOpThreads TensorFlow intra-op threads, resolved (at least 1): the bare model uses the same
 * @param threadSpinning whether TensorFlow's idle pool threads spin (the job's default: no); the bare model the same
 */
record BenchOptions(Path store, String model, int stride, int batchSize, Duration batchTimeout, int intraOpThreads,
                    int interOpThreads, boolean threadSpinning, int parallelism, Duration checkpointInterval,
                    Duration outOfOrderness, long drainTimeoutSeconds, Path outDir) {

    BenchOptions {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be resolved to >= 1, got " + intraOpThreads + "/"
                    + interOpThreads);
        }
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}

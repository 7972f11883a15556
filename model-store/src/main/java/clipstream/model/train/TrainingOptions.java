package clipstream.model.train;

/**
 * How to train: epochs, batch size, Adam learning rate, the seed of everything random, optional early stopping
 * (stop after {@code patience} epochs without a better held-out accuracy; 0 = off), TensorFlow threads, and how
 * many training batches re-estimate the batch-norm statistics after each epoch ({@code bnBatches}; 0 = keep the
 * moving averages of training).
 */
public record TrainingOptions(int epochs, int batchSize, double learningRate, long seed, int patience, int threads,
                              int bnBatches) {
    /** Training batches that re-estimate the batch-norm statistics after each epoch, unless told otherwise. */
    public static final int DEFAULT_BN_BATCHES = 8;

    public TrainingOptions(int epochs, int batchSize, double learningRate, long seed, int patience, int threads) {
        this(epochs, batchSize, learningRate, seed, patience, threads, DEFAULT_BN_BATCHES);
    }

    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("--learning-rate must be > 0, got " + learningRate);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("--patience must be >= 0, got " + patience);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (bnBatches < 0) {
            throw new IllegalArgumentException("--bn-batches must be >= 0, got " + bnBatches);
        }
    }

    public static TrainingOptions defaults() {
        return new TrainingOptions(10, 32, 1e-3, 42, 0, Runtime.getRuntime().availableProcessors());
    }
}

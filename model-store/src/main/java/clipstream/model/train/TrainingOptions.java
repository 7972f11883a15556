package clipstream.model.train;

/**
 * How to train: epochs, batch size, Adam learning rate, the seed of everything random, optional early stopping
 * (stop after {@code patience} epochs without a better held-out accuracy; 0 = off) and TensorFlow threads.
 */
public record TrainingOptions(int epochs, int batchSize, double learningRate, long seed, int patience, int threads) {

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
    }

    public static TrainingOptions defaults() {
        return new TrainingOptions(10, 32, 1e-3, 42, 0, Runtime.getRuntime().availableProcessors());
    }
}

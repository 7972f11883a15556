package clipstream.model.train;

/** Hears how training goes: after every batch and every epoch (the CLI draws a progress bar from it). */
public interface TrainingListener {
    TrainingListener SILENT = new TrainingListener() {
    };

    default void batchDone(int epoch, int epochs, int batch, int batches, double loss, double accuracy) {
    }

    default void epochDone(EpochStats stats, int epochs) {
    }
}

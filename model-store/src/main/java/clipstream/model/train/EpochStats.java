package clipstream.model.train;

/** One epoch of training: mean training loss and accuracy, held-out accuracy, seconds taken. */
public record EpochStats(int epoch, double loss, double trainAccuracy, double heldOutAccuracy, double seconds) {
}

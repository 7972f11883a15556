package clipstream.alerts.engine;

/**
 * A camera whose stored state is out of date: store {@code snapshot} under {@code camera} in state partition
 * {@code partition}, or, where {@code snapshot} is null, a tombstone, because the camera was forgotten there.
 */
public record StateChange(int partition, String camera, CameraSnapshot snapshot) {
    public boolean forgotten() {
        return snapshot == null;
    }
}

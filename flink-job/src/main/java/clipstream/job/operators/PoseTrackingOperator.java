package clipstream.job.operators;

import clipstream.job.people.PoseTracking;
import clipstream.job.records.UntrackedPoses;
import clipstream.schema.PersonPoses;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link PoseTracking} and, on restore, counts the cameras with tracks in the key groups this subtask got, for
 * its limit on cameras: counted from keyed state rather than checkpointed as a number, it stays right when the job
 * is restored with another parallelism (as {@link ClipAssemblerOperator} does for clips).
 */
public class PoseTrackingOperator extends KeyedProcessOperator<String, UntrackedPoses, PersonPoses> {
    private static final long serialVersionUID = 1L;

    private final PoseTracking tracking;
    private transient int restoredCameras;

    public PoseTrackingOperator(PoseTracking tracking) {
        super(tracking);
        this.tracking = tracking;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            try (Stream<String> cameras = this.<String>getKeyedStateBackend().getKeys(PoseTracking.LIVE_CAMERA_STATE,
                    VoidNamespace.INSTANCE)) {
                restoredCameras = Math.toIntExact(cameras.count());
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        tracking.restoreLiveCameras(restoredCameras);
    }
}

package clipstream.job.operators;

import clipstream.job.people.PoseRateSampler;
import clipstream.job.records.RawRecord;
import clipstream.job.records.StampedRecord;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link PoseRateSampler} and, on restore, counts the cameras with state in the key groups this subtask got, for
 * its limit on cameras: counted from keyed state rather than checkpointed as a number, it stays right when the job
 * is restored with another parallelism (as {@link ClipAssemblerOperator} does for clips).
 */
public class PoseRateSamplerOperator extends KeyedProcessOperator<String, StampedRecord, RawRecord> {
    private static final long serialVersionUID = 1L;

    private final PoseRateSampler sampler;
    private transient int restoredCameras;

    public PoseRateSamplerOperator(PoseRateSampler sampler) {
        super(sampler);
        this.sampler = sampler;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            try (Stream<String> cameras = this.<String>getKeyedStateBackend().getKeys(
                    PoseRateSampler.LIVE_CAMERA_STATE, VoidNamespace.INSTANCE)) {
                restoredCameras = Math.toIntExact(cameras.count());
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        sampler.restoreLiveCameras(restoredCameras);
    }
}

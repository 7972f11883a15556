package clipstream.job.operators;

import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a per-camera keyed function with a limit on cameras and, on restore, counts the cameras with state in the key
 * groups this subtask got: counted from keyed state rather than checkpointed as a number, the count stays right when
 * the job is restored with another parallelism (as {@link ClipAssemblerOperator} does for clips). Used for the people
 * path's pose sampling by time and tracking.
 */
public class CameraCountingOperator<I, O, F extends KeyedProcessFunction<String, I, O> & CameraCountingOperator.Counted>
        extends KeyedProcessOperator<String, I, O> {
    private static final long serialVersionUID = 1L;

    /** A keyed function that holds state per camera up to a limit, and keeps one state entry per camera it holds. */
    public interface Counted {
        /** The name of the keyed state that has an entry exactly for each camera held. */
        String liveCameraState();

        /** Sets the count of cameras held, as found in restored state; called before the first element. */
        void restoreLiveCameras(int cameras);
    }

    private final F function;
    private transient int restoredCameras;

    public CameraCountingOperator(F function) {
        super(function);
        this.function = function;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            try (Stream<String> cameras = this.<String>getKeyedStateBackend().getKeys(function.liveCameraState(),
                    VoidNamespace.INSTANCE)) {
                restoredCameras = Math.toIntExact(cameras.count());
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        function.restoreLiveCameras(restoredCameras);
    }
}

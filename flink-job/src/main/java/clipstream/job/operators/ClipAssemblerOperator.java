package clipstream.job.operators;

import clipstream.job.functions.ClipAssembler;
import clipstream.job.records.Clip;
import clipstream.job.records.ValidatedFrame;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs {@link ClipAssembler} and, when its input ends, does what the final watermark should have done: every
 * frame still waiting for the watermark is used and every last clip emitted.
 *
 * <p>Why: a source reader that goes idle (no record for the source idleness) before its bounded input ends sends
 * its final watermark while its channel is still marked idle, and Flink's watermark valve drops watermarks of idle
 * channels. Where every channel of the assembler's input ends that way, the final watermark never arrives, the
 * event-time timers never fire, and without this a bounded run emits no clip at all although every frame was read.
 * Advancing to the end of event time here is idempotent: where the final watermark did arrive, every timer has
 * already fired and nothing is left to use.
 *
 * <p>On restore it counts the cameras with state in the key groups this subtask got, for the assembler's limit on
 * live cameras: counted from keyed state rather than checkpointed as a number, it stays right when the job is
 * restored with another parallelism and key groups move between subtasks.
 */
public class ClipAssemblerOperator extends KeyedProcessOperator<String, ValidatedFrame, Clip> implements BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final ClipAssembler assembler;
    private transient int restoredCameras;

    public ClipAssemblerOperator(ClipAssembler assembler) {
        super(assembler);
        this.assembler = assembler;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        if (context.isRestored()) {
            try (Stream<String> cameras = this.<String>getKeyedStateBackend().getKeys(ClipAssembler.LIVE_CAMERA_STATE,
                    VoidNamespace.INSTANCE)) {
                restoredCameras = Math.toIntExact(cameras.count());
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        assembler.restoreLiveCameras(restoredCameras);
    }

    @Override
    public void endInput() throws Exception {
        processWatermark(Watermark.MAX_WATERMARK);
    }
}

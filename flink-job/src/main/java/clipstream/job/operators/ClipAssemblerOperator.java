package clipstream.job.operators;

import clipstream.job.functions.ClipAssembler;
import clipstream.job.records.Clip;
import clipstream.job.records.ValidatedFrame;
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
 */
public class ClipAssemblerOperator extends KeyedProcessOperator<String, ValidatedFrame, Clip> implements BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public ClipAssemblerOperator(ClipAssembler assembler) {
        super(assembler);
    }

    @Override
    public void endInput() throws Exception {
        processWatermark(Watermark.MAX_WATERMARK);
    }
}

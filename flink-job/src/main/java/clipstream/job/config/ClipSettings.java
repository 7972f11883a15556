package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;

/**
 * How frames become clips: clip length and stride (in frames), the largest gap filled by repeating a frame,
 * how long out-of-order frames are waited for, when a silent camera's state is dropped, and the bounds on what
 * input may cost: the largest frame accepted, the capture times believed, the cameras one clip-assembler subtask
 * holds and the frames a camera keeps waiting for the watermark. {@code clipLength} 0 means "the model's clip
 * length" (from its manifest).
 *
 * <p>State per assembler subtask is at most {@code maxCameras} × ({@code clipLength} + {@code maxPendingFrames}
 * + 1) frames at the model's input size: whatever ids and seqs the cameras send.
 */
public record ClipSettings(
        int clipLength,
        int stride,
        int maxGap,
        Duration outOfOrderness,
        Duration sourceIdleness,
        Duration idleTimeout,
        int maxFrameBytes,
        CaptureTimeWindow captureTimes,
        int maxCameras,
        int maxPendingFrames,
        int seqRestart) implements Serializable {

    /** Cameras one assembler subtask holds state for: far more than one subtask can classify in real time. */
    public static final int DEFAULT_MAX_CAMERAS = 1024;
    /**
     * Frames one camera keeps waiting for the watermark: at 30 fps more than the default 2 s out-of-orderness
     * bound holds, two clips of the default model.
     */
    public static final int DEFAULT_MAX_PENDING_FRAMES = 64;
    /**
     * How far (in frames) a camera's seq may go back before it counts as the camera's stream starting over (a
     * restarted camera or ingest counting from 0 again) rather than late frames: 10 s at 25 fps, far beyond any
     * reordering the out-of-orderness bound allows.
     */
    public static final int DEFAULT_SEQ_RESTART = 250;

    public ClipSettings {
        require(clipLength >= 0, "--clip-length must be positive (or 0 for the model's), got " + clipLength);
        require(stride >= 1, "--stride must be at least 1, got " + stride);
        require(clipLength == 0 || stride <= clipLength,
                "--stride (" + stride + ") must not exceed --clip-length (" + clipLength + "): frames would be skipped");
        require(maxGap >= 0, "--max-gap must be 0 or more, got " + maxGap);
        require(outOfOrderness != null && !outOfOrderness.isNegative(),
                "--out-of-orderness must be 0 or more, got " + outOfOrderness);
        require(sourceIdleness != null && !sourceIdleness.isNegative() && !sourceIdleness.isZero(),
                "--source-idleness must be positive, got " + sourceIdleness);
        require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(),
                "--idle-timeout must be positive, got " + idleTimeout);
        require(maxFrameBytes > 0, "--max-frame-bytes must be positive, got " + maxFrameBytes);
        require(captureTimes != null, "--max-frame-age and --max-clock-skew must be set");
        require(maxCameras >= 1, "--max-cameras must be at least 1, got " + maxCameras);
        require(maxPendingFrames >= 1, "--max-pending-frames must be at least 1, got " + maxPendingFrames);
        require(seqRestart >= 1, "--seq-restart must be at least 1, got " + seqRestart);
    }

    /** Settings with the default threshold of a stream restart. */
    public ClipSettings(int clipLength, int stride, int maxGap, Duration outOfOrderness, Duration sourceIdleness,
                        Duration idleTimeout, int maxFrameBytes, CaptureTimeWindow captureTimes, int maxCameras,
                        int maxPendingFrames) {
        this(clipLength, stride, maxGap, outOfOrderness, sourceIdleness, idleTimeout, maxFrameBytes, captureTimes,
                maxCameras, maxPendingFrames, DEFAULT_SEQ_RESTART);
    }

    /** Settings with the default capture-time window, camera limit and pending-frame limit. */
    public ClipSettings(int clipLength, int stride, int maxGap, Duration outOfOrderness, Duration sourceIdleness,
                        Duration idleTimeout, int maxFrameBytes) {
        this(clipLength, stride, maxGap, outOfOrderness, sourceIdleness, idleTimeout, maxFrameBytes,
                CaptureTimeWindow.DEFAULT, DEFAULT_MAX_CAMERAS, DEFAULT_MAX_PENDING_FRAMES, DEFAULT_SEQ_RESTART);
    }

    /** These settings with the clip length fixed to the model's; a different explicit length is an error. */
    public ClipSettings forModelClipLength(int modelFrames) {
        require(clipLength == 0 || clipLength == modelFrames, "--clip-length " + clipLength
                + " does not match the model, which takes clips of " + modelFrames
                + " frames; drop --clip-length or choose another --model");
        require(stride <= modelFrames,
                "--stride (" + stride + ") must not exceed the clip length (" + modelFrames + ")");
        return new ClipSettings(modelFrames, stride, maxGap, outOfOrderness, sourceIdleness, idleTimeout, maxFrameBytes,
                captureTimes, maxCameras, maxPendingFrames, seqRestart);
    }
}

package clipstream.local.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a demo run is set up, validated once.
 *
 * @param cameras            synthetic cameras (ignored when {@code sources} are given)
 * @param duration           how long cameras send; zero: until stopped (Ctrl-C) or {@code framesPerCamera}
 * @param framesPerCamera    stop each camera after this many frames
 * @param sources            real footage (files or stream URLs), one camera each, instead of synthetic cameras
 * @param store              the model store folder
 * @param model              model name; its CURRENT version is served
 * @param fps                frames per second of each camera
 * @param stride             a new clip every this many frames; 0: the model's clip length (tumbling clips)
 * @param checkpointInterval how often the job commits its events (exactly-once): the floor of the latency
 * @param rulesFile          alert rules; empty: the demo's own (labels of the motion-actions classes)
 * @param summaryFile        where summary.json goes
 * @param drainTimeout       how long to wait at the end for the events of the last frames
 * @param out                where the demo's lines and the alerts are printed
 * @param poseModel          the pose model of the people path; empty: the path is off
 */
public record DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                           Path store, String model, double fps, int stride, Duration checkpointInterval,
                           Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out,
                           Optional<String> poseModel) {

    /** Settings without the people path. */
    public DemoSettings(int cameras, Duration duration, OptionalLong framesPerCamera, List<String> sources,
                        Path store, String model, double fps, int stride, Duration checkpointInterval,
                        Optional<Path> rulesFile, Path summaryFile, Duration drainTimeout, PrintStream out) {
        this(cameras, duration, framesPerCamera, sources, store, model, fps, stride, checkpointInterval, rulesFile,
                summaryFile, drainTimeout, out, Optional.empty());
    }

    public DemoSettings {
        Objects.requireNonNull(duration, "duration");
        sources = List.copyOf(sources);
        if (sources.isEmpty() && (cameras < 1 || cameras > 64)) {
            throw new IllegalArgumentException("--cameras must be between 1 and 64, got " + cameras);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("--seconds must be 0 (until Ctrl-C) or more, got " + duration.toSeconds());
        }
        if (framesPerCamera.isPresent() && framesPerCamera.getAsLong() < 1) {
            throw new IllegalArgumentException("--frames must be at least 1, got " + framesPerCamera.getAsLong());
        }
        if (!(fps > 0 && fps <= 120)) {
            throw new IllegalArgumentException("--fps must be in (0, 120], got " + fps);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("--stride must be 0 (the clip length) or more, got " + stride);
        }
        if (checkpointInterval.toMillis() < 100) {
            throw new IllegalArgumentException("--checkpoint-interval must be at least 100ms, got " + checkpointInterval);
        }
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(summaryFile, "summaryFile");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(poseModel, "poseModel");
    }

    public boolean people() {
        return poseModel.isPresent();
    }

    /** Whether the run ends on its own (a duration or a frame budget), or only when stopped. */
    public boolean bounded() {
        return !duration.isZero() || framesPerCamera.isPresent();
    }
}

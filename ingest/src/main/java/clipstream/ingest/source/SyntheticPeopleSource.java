package clipstream.ingest.source;

import clipstream.media.people.PeopleScene;

/**
 * An endless synthetic people camera with its own pose estimation: media's {@link PeopleScene} at its frame rate.
 * It starts at frame {@code firstIndex} (the camera's start seq), so the poses of seq on the wire are
 * {@code PeopleScene#frame(seq)} and their ground truth is the scene's for that seq.
 */
public final class SyntheticPeopleSource {
    private final PeopleScene scene;
    private final long firstIndex;
    private long index;

    /** {@code defaultFps}: the rate when the spec does not give one (ingest's rate for generated sources). */
    public SyntheticPeopleSource(SourceSpec.SyntheticPeople spec, double defaultFps, long firstIndex) {
        this.scene = spec.scene(defaultFps);
        this.firstIndex = firstIndex;
        this.index = firstIndex;
    }

    public PeopleScene scene() {
        return scene;
    }

    /** The next frame's people. */
    public CapturedPoses next() {
        long time = Math.round((index - firstIndex) * 1e6 / scene.fps());
        CapturedPoses poses = new CapturedPoses(scene.frame(index), scene.width(), scene.height(), time);
        index++;
        return poses;
    }
}

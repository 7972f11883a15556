package clipstream.ingest.source;

import clipstream.media.synthetic.SyntheticCamera;

/**
 * An endless synthetic camera: model-store's motion-actions generator rendered at the output size and frame rate.
 * It starts at frame {@code firstIndex} (the camera's start seq), so frame {@code seq} on the wire is
 * {@code SyntheticCamera#frame(seq)} and its ground truth is {@code actionAt(seq)}.
 */
final class SyntheticSource implements CameraSource {
    private final SyntheticCamera camera;
    private final double fps;
    private final long firstIndex;
    private final boolean live;
    private long index;

    SyntheticSource(SourceSpec.Synthetic spec, int width, int height, double fps, long firstIndex, boolean live) {
        this.camera = new SyntheticCamera(width, height, spec.action(), spec.segmentFrames(), spec.seed());
        this.fps = fps;
        this.firstIndex = firstIndex;
        this.index = firstIndex;
        this.live = live;
    }

    @Override
    public CapturedFrame next() {
        byte[] rgb = camera.frame(index);
        long time = Math.round((index - firstIndex) * 1e6 / fps);
        index++;
        return new CapturedFrame(rgb, camera.width(), camera.height(), time);
    }

    @Override
    public TimeBase timeBase() {
        return TimeBase.MEDIA;
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public void close() {
        // nothing to release
    }
}

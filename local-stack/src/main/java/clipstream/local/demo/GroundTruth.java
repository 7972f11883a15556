package clipstream.local.demo;

import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.synthetic.SyntheticCamera;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each synthetic camera really showed: a clip has a ground truth when it lies inside one segment of its
 * camera's motion-actions stream (same seed and segment length as the camera, so no talk with the producer).
 * Cameras with real footage have none.
 */
final class GroundTruth {
    private static final int MIN_SIZE = 16;

    private final Map<String, SyntheticCamera> cameras = new HashMap<>();

    GroundTruth(List<CameraSpec> specs) {
        for (CameraSpec spec : specs) {
            if (spec.source() instanceof SourceSpec.Synthetic synthetic) {
                // actionAt() renders nothing: the smallest scene will do
                cameras.put(spec.id(), new SyntheticCamera(MIN_SIZE, MIN_SIZE, synthetic.action(), synthetic.segmentFrames(),
                        synthetic.seed()));
            }
        }
    }

    /** The label of frames {@code firstSeq..lastSeq} of {@code cameraId}, if they all show one action. */
    Optional<String> labelOf(String cameraId, long firstSeq, long lastSeq) {
        SyntheticCamera camera = cameras.get(cameraId);
        if (camera == null || firstSeq < 0 || lastSeq < firstSeq
                || firstSeq / camera.segmentFrames() != lastSeq / camera.segmentFrames()) {
            return Optional.empty();
        }
        return Optional.of(camera.actionAt(firstSeq).label());
    }
}

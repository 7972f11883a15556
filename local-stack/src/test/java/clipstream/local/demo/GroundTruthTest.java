package clipstream.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.synthetic.SyntheticCamera;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
    private static final CameraSpec RANDOM = new CameraSpec("cam-1",
            SourceSpec.parse("synthetic:random?segment=32", "cam-1"));

    @Test
    void aClipInsideOneSegmentHasTheLabelTheCameraShowed() {
        GroundTruth truth = new GroundTruth(List.of(RANDOM));
        SourceSpec.Synthetic spec = (SourceSpec.Synthetic) RANDOM.source();
        SyntheticCamera camera = new SyntheticCamera(16, 16, spec.action(), 32, spec.seed());
        for (long first = 0; first < 320; first += 32) {
            assertThat(truth.labelOf("cam-1", first, first + 31)).contains(camera.actionAt(first).label());
        }
    }

    @Test
    void aClipAcrossTwoSegmentsOrFromAnotherCameraHasNone() {
        GroundTruth truth = new GroundTruth(List.of(RANDOM,
                new CameraSpec("footage-1", SourceSpec.parse("video.mp4", "footage-1"))));
        assertThat(truth.labelOf("cam-1", 16, 47)).isEmpty();
        assertThat(truth.labelOf("footage-1", 0, 31)).isEmpty();
        assertThat(truth.labelOf("unknown", 0, 31)).isEqualTo(Optional.empty());
    }
}

package clipstream.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.people.PeopleScene;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.schema.ClipEvent;
import clipstream.schema.LabelScore;
import clipstream.schema.PersonBox;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
    private static final CameraSpec RANDOM = new CameraSpec("cam-1",
            SourceSpec.parse("synthetic:random?segment=32", "cam-1"));
    private static final CameraSpec PEOPLE = CameraSpec.parse("hall-1=synthetic-people:random?people=2&seed=11&fps=10");
    /** A box in the first lane (x 0-319) of the people camera's 640x480 frames. */
    private static final PersonBox FIRST_LANE = new PersonBox(100f, 150f, 180f, 400f, 640, 480);

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

    @Test
    void aPersonsClipHasTheActionItsPersonDidInSevenEighthsOfItsPoseFrames() {
        GroundTruth truth = new GroundTruth(List.of(PEOPLE));
        PeopleScene scene = ((SourceSpec.SyntheticPeople) PEOPLE.source()).scene(10);
        String first = scene.actionAt(0, 0).orElseThrow().label();
        assertThat(truth.personLabelOf("hall-1", 0, 31, FIRST_LANE)).contains(first);
        // 28 of 32 pose frames in the first segment: still its action
        assertThat(truth.personLabelOf("hall-1", 4, 35, FIRST_LANE)).contains(first);
        assertThat(truth.labelOf(personEvent(4, 35, FIRST_LANE))).contains(first);
    }

    @Test
    void aPersonsClipAcrossTwoActionsOrTwoVisitsHasNone() {
        GroundTruth truth = new GroundTruth(List.of(PEOPLE));
        PeopleScene scene = ((SourceSpec.SyntheticPeople) PEOPLE.source()).scene(10);
        long boundary = 32;
        while (scene.actionAt(0, boundary - 1).equals(scene.actionAt(0, boundary))) {
            boundary += 32;
        }
        assertThat(truth.personLabelOf("hall-1", boundary - 16, boundary + 15, FIRST_LANE)).isEmpty();
        // a visit is 7 segments of actions and an empty one: the first lane's first visitor leaves at seq 224
        assertThat(scene.personAt(0, 224)).isEqualTo(-1);
        assertThat(truth.personLabelOf("hall-1", 200, 231, FIRST_LANE)).isEmpty();
        assertThat(truth.personLabelOf("cam-1", 0, 31, FIRST_LANE)).as("not a people camera").isEmpty();
    }

    private static ClipEvent personEvent(long firstSeq, long lastSeq, PersonBox box) {
        return ClipEvent.newBuilder().setEventId("e").setCameraId("hall-1").setFirstSeq(firstSeq).setLastSeq(lastSeq)
                .setStartTime(Instant.EPOCH).setEndTime(Instant.EPOCH).setLabel("walk").setScore(0.9f)
                .setTopK(List.of(new LabelScore("walk", 0.9f))).setModelName("posec3d-small").setModelVersion("1")
                .setFramesFilled(0).setInferenceMs(1f).setTrackId(1L).setBox(box).build();
    }
}

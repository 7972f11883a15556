package clipstream.local.demo;

import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.people.PeopleScene;
import clipstream.media.people.PersonAction;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.schema.ClipEvent;
import clipstream.schema.PersonBox;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each synthetic camera really showed, from the camera's own settings (same seed and segment length, so no talk
 * with the producer). A whole-frame clip has a ground truth when it lies inside one segment of its camera's
 * motion-actions stream; a person's clip on a synthetic people camera has one when one person (the one in the lane of
 * the clip's box centre) was there for the whole clip and did one action in at least 7/8 of its pose frames (28 of
 * 32). Cameras with real footage have none.
 */
final class GroundTruth {
    private static final int MIN_SIZE = 16;
    /** A person's clip shows one action when at least this share of its pose frames show it. */
    private static final double PERSON_ACTION_SHARE = 7.0 / 8;

    private final Map<String, SyntheticCamera> cameras = new HashMap<>();
    private final Map<String, PeopleScene> scenes = new HashMap<>();

    GroundTruth(List<CameraSpec> specs) {
        for (CameraSpec spec : specs) {
            if (spec.source() instanceof SourceSpec.Synthetic synthetic) {
                // actionAt() renders nothing: the smallest scene will do
                cameras.put(spec.id(), new SyntheticCamera(MIN_SIZE, MIN_SIZE, synthetic.action(), synthetic.segmentFrames(),
                        synthetic.seed()));
            } else if (spec.source() instanceof SourceSpec.SyntheticPeople people) {
                // who is where doing what follows from the seed and the segments, not from the frame rate
                scenes.put(spec.id(), people.scene(IngestSettings.DEFAULT_GENERATED_FPS));
            }
        }
    }

    /** The label {@code event} should have, if its clip shows one action of its camera (or of its person). */
    Optional<String> labelOf(ClipEvent event) {
        String camera = event.getCameraId();
        if (event.getTrackId() == null || event.getBox() == null) {
            return labelOf(camera, event.getFirstSeq(), event.getLastSeq());
        }
        return personLabelOf(camera, event.getFirstSeq(), event.getLastSeq(), event.getBox());
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

    /**
     * What the person whose box was {@code box} during pose frames {@code firstSeq..lastSeq} of {@code cameraId} did,
     * if one person was in that lane throughout and did one action in at least 7/8 of the frames.
     */
    Optional<String> personLabelOf(String cameraId, long firstSeq, long lastSeq, PersonBox box) {
        PeopleScene scene = scenes.get(cameraId);
        if (scene == null || firstSeq < 0 || lastSeq < firstSeq) {
            return Optional.empty();
        }
        int lane = scene.laneOf((box.getXMin() + box.getXMax()) / 2);
        long person = scene.personAt(lane, lastSeq);
        Map<PersonAction, Integer> frames = new EnumMap<>(PersonAction.class);
        for (long seq = firstSeq; seq <= lastSeq; seq++) {
            if (scene.personAt(lane, seq) != person) {
                return Optional.empty();
            }
            scene.actionAt(lane, seq).ifPresent(action -> frames.merge(action, 1, Integer::sum));
        }
        double needed = PERSON_ACTION_SHARE * (lastSeq - firstSeq + 1);
        return frames.entrySet().stream().filter(e -> e.getValue() >= needed).map(e -> e.getKey().label())
                .findFirst();
    }
}

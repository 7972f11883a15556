package clipstream.job.inference;

import clipstream.job.records.Clip;
import clipstream.job.records.PersonRef;
import clipstream.schema.ClipEvent;
import clipstream.schema.PersonBox;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builds the {@link ClipEvent} for a classified clip, with its deterministic event id. */
public final class ClipEvents {
    private ClipEvents() {
    }

    /**
     * The event id: a name-based UUID of camera id, first seq, the first frame's capture time and model version, so
     * replaying the same frames through the same model gives the same id (consumers deduplicate by it), while a
     * camera that started counting again from 0 (a restart) gives new ids for its new clips.
     */
    public static String eventId(String cameraId, long firstSeq, long startTime, String modelVersion) {
        String name = cameraId + '\u0000' + firstSeq + '\u0000' + startTime + '\u0000' + modelVersion;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The event id of a person's clip: the whole-frame id's parts and the person's track. */
    public static String eventId(String cameraId, long firstSeq, long startTime, String modelVersion, long trackId) {
        String name = cameraId + '\u0000' + firstSeq + '\u0000' + startTime + '\u0000' + modelVersion
                + "\u0000track\u0000" + trackId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static ClipEvent of(Clip clip, ClipScores scores, String modelName, String modelVersion, float inferenceMs) {
        PersonRef person = clip.person();
        return ClipEvent.newBuilder()
                .setEventId(person == null ? eventId(clip.cameraId(), clip.firstSeq(), clip.startTime(), modelVersion)
                        : eventId(clip.cameraId(), clip.firstSeq(), clip.startTime(), modelVersion, person.trackId()))
                .setCameraId(clip.cameraId())
                .setFirstSeq(clip.firstSeq())
                .setLastSeq(clip.lastSeq())
                .setStartTime(Instant.ofEpochMilli(clip.startTime()))
                .setEndTime(Instant.ofEpochMilli(clip.endTime()))
                .setLabel(scores.best().getLabel())
                .setScore(scores.best().getScore())
                .setTopK(scores.topK())
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setFramesFilled(clip.framesFilled())
                .setInferenceMs(inferenceMs)
                .setTrackId(person == null ? null : person.trackId())
                .setBox(person == null ? null : new PersonBox(person.xMin(), person.yMin(), person.xMax(),
                        person.yMax(), person.frameWidth(), person.frameHeight()))
                .build();
    }
}

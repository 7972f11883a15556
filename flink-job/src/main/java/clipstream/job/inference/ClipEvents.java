package clipstream.job.inference;

import clipstream.job.records.Clip;
import clipstream.schema.ClipEvent;
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

    public static ClipEvent of(Clip clip, ClipScores scores, String modelName, String modelVersion, float inferenceMs) {
        return ClipEvent.newBuilder()
                .setEventId(eventId(clip.cameraId(), clip.firstSeq(), clip.startTime(), modelVersion))
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
                .build();
    }
}

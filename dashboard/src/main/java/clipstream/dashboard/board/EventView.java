package clipstream.dashboard.board;

import clipstream.schema.ClipEvent;
import clipstream.schema.LabelScore;
import java.util.List;

/**
 * The latest label of a camera's whole-frame clips, or of one person's clips ({@code trackId}, {@code box}).
 *
 * @param recordTime the event record's Kafka timestamp (epoch ms)
 * @param receivedAt when the dashboard read it (epoch ms)
 */
public record EventView(String eventId, String label, float score, List<LabelScoreView> topK, String model,
                        String modelVersion, long startTime, long endTime, int framesFilled, float inferenceMs,
                        Long trackId, BoxView box, long recordTime, long receivedAt) {
    /** Labels with their scores beyond the first that the page shows. */
    static final int TOP_K_SHOWN = 3;

    /** One label and its probability. */
    public record LabelScoreView(String label, float score) {
    }

    static EventView of(ClipEvent event, long recordTime, long receivedAt) {
        List<LabelScore> topK = event.getTopK();
        return new EventView(event.getEventId(), event.getLabel(), event.getScore(), topK.stream()
                .limit(TOP_K_SHOWN).map(s -> new LabelScoreView(s.getLabel(), s.getScore())).toList(),
                event.getModelName(), event.getModelVersion(), event.getStartTime().toEpochMilli(),
                event.getEndTime().toEpochMilli(), event.getFramesFilled(), event.getInferenceMs(),
                event.getTrackId(), BoxView.of(event.getBox()), recordTime, receivedAt);
    }
}

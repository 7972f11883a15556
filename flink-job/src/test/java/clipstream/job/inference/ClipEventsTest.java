package clipstream.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.records.Clip;
import clipstream.job.records.PersonRef;
import clipstream.schema.ClipEvent;
import clipstream.schema.LabelScore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The events of whole-frame clips and of people's clips, and their ids. */
class ClipEventsTest {
    private static final ClipScores SCORES = new ClipScores(List.of(new LabelScore("fall", 0.9f),
            new LabelScore("walk", 0.05f)));

    @Test
    void aPersonsEventSaysWhoAndWhereAndItsIdDependsOnTheTrack() {
        Clip seven = new Clip("cam-1", 10, 41, 1000, 4100, 2, new byte[0], 5000,
                new PersonRef(7, 10f, 20f, 110f, 220f, 640, 480));
        Clip eight = new Clip("cam-1", 10, 41, 1000, 4100, 2, new byte[0], 5000,
                new PersonRef(8, 300f, 20f, 400f, 220f, 640, 480));

        ClipEvent event = ClipEvents.of(seven, SCORES, "posec3d-small", "1", 3f);

        assertThat(event.getTrackId()).isEqualTo(7L);
        assertThat(event.getBox().getXMin()).isEqualTo(10f);
        assertThat(event.getBox().getYMax()).isEqualTo(220f);
        assertThat(event.getBox().getFrameWidth()).isEqualTo(640);
        assertThat(event.getFramesFilled()).isEqualTo(2);
        assertThat(event.getLabel()).isEqualTo("fall");
        // two people in the same frames are two events; a replay gives the same ids
        assertThat(event.getEventId()).isNotEqualTo(ClipEvents.of(eight, SCORES, "posec3d-small", "1", 3f).getEventId())
                .isEqualTo(ClipEvents.of(seven, SCORES, "posec3d-small", "1", 9f).getEventId());
    }

    @Test
    void aWholeFrameClipsEventHasNoPersonAndKeepsItsId() {
        Clip clip = new Clip("cam-1", 10, 41, 1000, 4100, 0, new byte[0], 5000);

        ClipEvent event = ClipEvents.of(clip, SCORES, "c3d-small", "2", 3f);

        assertThat(event.getTrackId()).isNull();
        assertThat(event.getBox()).isNull();
        assertThat(event.getEventId()).isEqualTo(ClipEvents.eventId("cam-1", 10, 1000, "2"));
        assertThat(event.getEventId()).isNotEqualTo(ClipEvents.eventId("cam-1", 10, 1000, "2", 0));
    }
}

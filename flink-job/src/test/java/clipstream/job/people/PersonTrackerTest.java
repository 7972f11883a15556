package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.records.DetectedPerson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PersonTrackerTest {
    private final PersonTracker tracker = new PersonTracker(0.3f, 3, 5, 8);

    private List<Track> tracks = List.of();
    private long nextId = 1;

    private long[] frame(Track.Box... detections) {
        List<DetectedPerson> people = new ArrayList<>();
        for (Track.Box box : detections) {
            people.add(new DetectedPerson(0.9f, box.xMin(), box.yMin(), box.xMax(), box.yMax(), new float[0]));
        }
        return frame(people);
    }

    private long[] frame(List<DetectedPerson> detections) {
        PersonTracker.Update update = tracker.update(tracks, nextId, detections);
        tracks = update.tracks();
        nextId = update.nextId();
        return update.trackIds();
    }

    private static Track.Box box(float x, float y) {
        return new Track.Box(x, y, x + 40, y + 100);
    }

    @Test
    void aWalkingPersonKeepsOneIdOnceConfirmed() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(frame(box(10 + 4 * i, 50))[0]);
        }
        assertThat(ids.subList(0, 2)).containsOnly(-1L);
        assertThat(ids.subList(2, 30)).containsOnly(1L);
        assertThat(tracks).hasSize(1);
    }

    @Test
    void twoPeopleWalkingPastEachOtherKeepTheirIds() {
        for (int i = 0; i < 3; i++) {
            frame(box(0 + 5 * i, 50), box(300 - 5 * i, 60));
        }
        long[] before = frame(box(15, 50), box(285, 60));
        long[] later = frame(box(20, 50), box(280, 60));
        assertThat(before).containsExactly(1, 2);
        // the detector may list them the other way round: the tracks follow the boxes, not the order
        long[] swapped = frame(box(275, 60), box(25, 50));
        assertThat(later).containsExactly(1, 2);
        assertThat(swapped).containsExactly(2, 1);
    }

    @Test
    void aTrackSurvivesShortMissesAndDiesAfterLongOnes() {
        for (int i = 0; i < 3; i++) {
            frame(box(100, 100));
        }
        for (int i = 0; i < 5; i++) {
            frame();
        }
        assertThat(tracks).hasSize(1);
        assertThat(frame(box(102, 100))).containsExactly(1);

        for (int i = 0; i < 6; i++) {
            frame();
        }
        assertThat(tracks).isEmpty();
        assertThat(frame(box(102, 100))).containsExactly(-1);
        assertThat(tracks.get(0).id()).isEqualTo(2);
    }

    @Test
    void aOneFrameFalseDetectionNeverBecomesATrack() {
        frame(box(100, 100));
        frame();
        assertThat(tracks).isEmpty();
    }

    @Test
    void aFrameFullOfDetectionsCannotGrowTheStateBeyondTheCap() {
        Track.Box[] crowd = new Track.Box[50];
        for (int i = 0; i < crowd.length; i++) {
            crowd[i] = box(i * 50, 0);
        }
        frame(crowd);
        assertThat(tracks).hasSize(8);
    }

    @Test
    void theSameFramesGiveTheSameTracks() {
        List<long[]> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(frame(box(10 + 3 * i, 50), box(200, 80 - i)));
        }
        tracks = List.of();
        nextId = 1;
        for (int i = 0; i < 10; i++) {
            assertThat(frame(box(10 + 3 * i, 50), box(200, 80 - i))).containsExactly(first.get(i));
        }
    }

    @Test
    void boxesOverlapByIntersectionOverUnion() {
        Track.Box a = new Track.Box(0, 0, 10, 10);
        assertThat(a.iou(a)).isEqualTo(1f);
        assertThat(a.iou(new Track.Box(5, 0, 15, 10))).isEqualTo(50f / 150f);
        assertThat(a.iou(new Track.Box(10, 0, 20, 10))).isZero();
        assertThat(a.iou(new Track.Box(3, 3, 3, 3))).isZero();
        assertThatThrownBy(() -> new PersonTracker(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

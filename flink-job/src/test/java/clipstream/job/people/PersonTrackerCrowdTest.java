package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import clipstream.job.records.DetectedPerson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PersonTracker} where people cross, stop, are hidden for a moment or appear next to someone followed. */
class PersonTrackerCrowdTest {
    /** The job's tracking: minIou 0.3, confirmed after 3 frames, ended after 10 without the person. */
    private final PersonTracker tracker = new PersonTracker(0.3f, 3, 10, 16);

    private List<Track> tracks = List.of();
    private long nextId = 1;

    /** Where a person's 17 keypoints are in their box (x, y as fractions of width and height), standing upright. */
    private static final float[][] UPRIGHT = {
            {.5f, .07f}, {.55f, .05f}, {.45f, .05f}, {.6f, .06f}, {.4f, .06f}, {.7f, .2f}, {.3f, .2f}, {.75f, .35f},
            {.25f, .35f}, {.75f, .48f}, {.25f, .48f}, {.62f, .52f}, {.38f, .52f}, {.6f, .73f}, {.4f, .73f},
            {.6f, .95f}, {.4f, .95f}};
    /** Bent over to pick something up: head and arms down by the knees. */
    private static final float[][] BENT = {
            {.85f, .55f}, {.9f, .52f}, {.8f, .52f}, {.9f, .5f}, {.75f, .5f}, {.8f, .35f}, {.65f, .35f},
            {.95f, .6f}, {.8f, .6f}, {.95f, .85f}, {.85f, .85f}, {.45f, .3f}, {.35f, .3f}, {.45f, .65f},
            {.35f, .65f}, {.45f, .97f}, {.35f, .97f}};

    /** A person of {@code height} (width 0.4 of it) with the top left of their box at x, y. */
    private static DetectedPerson person(float x, float y, float height, float[][] posture) {
        float width = 0.4f * height;
        float[] keypoints = new float[3 * posture.length];
        for (int k = 0; k < posture.length; k++) {
            keypoints[3 * k] = x + posture[k][0] * width;
            keypoints[3 * k + 1] = y + posture[k][1] * height;
            keypoints[3 * k + 2] = 0.8f;
        }
        return new DetectedPerson(0.9f, x, y, x + width, y + height, keypoints);
    }

    private static DetectedPerson person(float x, float y, float height) {
        return person(x, y, height, UPRIGHT);
    }

    /** The same person without keypoints: only the box to go by. */
    private static DetectedPerson boxOnly(DetectedPerson person) {
        return new DetectedPerson(person.score(), person.xMin(), person.yMin(), person.xMax(), person.yMax(),
                new float[0]);
    }

    private long[] frame(DetectedPerson... people) {
        PersonTracker.Update update = tracker.update(tracks, nextId, List.of(people));
        tracks = update.tracks();
        nextId = update.nextId();
        return update.trackIds();
    }

    private Track track(long id) {
        return tracks.stream().filter(t -> t.id() == id).findFirst().orElseThrow();
    }

    /**
     * A walks right and B left along nearly the same line at 6 px a frame, and meet at frame 20; the one behind is
     * hidden by the one in front for frames 19-22. Returns, per frame, the ids given to A and to B (0: not seen),
     * with the detector listing them in a different order every other frame.
     */
    private List<long[]> crossing(float heightA, float heightB, boolean aInFront, boolean withKeypoints) {
        List<long[]> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DetectedPerson a = person(6 * i, 200 - heightA, heightA);
            DetectedPerson b = person(240 - 6 * i, 205 - heightB, heightB);
            if (!withKeypoints) {
                a = boxOnly(a);
                b = boxOnly(b);
            }
            boolean hidden = i >= 19 && i <= 22;
            boolean aSeen = !hidden || aInFront;
            boolean bSeen = !hidden || !aInFront;
            List<DetectedPerson> seen = new ArrayList<>();
            if (aSeen) {
                seen.add(a);
            }
            if (bSeen) {
                seen.add(i % 2 == 0 ? seen.size() : 0, b);
            }
            long[] found = frame(seen.toArray(DetectedPerson[]::new));
            long idA = aSeen ? found[seen.indexOf(a)] : 0;
            long idB = bSeen ? found[seen.indexOf(b)] : 0;
            ids.add(new long[] {idA, idB});
        }
        return ids;
    }

    private static void assertKeptTheirIds(List<long[]> ids) {
        for (int i = 2; i < ids.size(); i++) {
            long[] pair = ids.get(i);
            assertThat(pair[0]).as("A at frame %d", i).isIn(0L, 1L);
            assertThat(pair[1]).as("B at frame %d", i).isIn(0L, 2L);
        }
        assertThat(ids.get(ids.size() - 1)).containsExactly(1, 2);
    }

    @Test
    void twoPeopleOfTheSameSizeCrossingKeepTheirIdsThroughTheOcclusion() {
        List<long[]> ids = crossing(100, 100, true, false);

        assertKeptTheirIds(ids);
        assertThat(nextId).as("no track started for either").isEqualTo(3);
    }

    @Test
    void twoPeopleOfTheSameSizeWithPosesCrossingKeepTheirIds() {
        assertKeptTheirIds(crossing(100, 100, false, true));
        assertThat(nextId).isEqualTo(3);
    }

    @Test
    void aNearerPersonCrossingInFrontOfAFartherOneDoesNotTakeTheirId() {
        assertKeptTheirIds(crossing(70, 110, false, true));
        assertThat(nextId).isEqualTo(3);
        tracks = List.of();
        nextId = 1;
        assertKeptTheirIds(crossing(85, 100, false, false));
        assertThat(nextId).isEqualTo(3);
    }

    @Test
    void aCrossingReplaysToTheSameIds() {
        List<long[]> first = crossing(100, 90, true, true);
        tracks = List.of();
        nextId = 1;
        List<long[]> again = crossing(100, 90, true, true);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i)).containsExactly(first.get(i));
        }
    }

    @Test
    void aPersonWhoStopsKeepsTheirIdAndComesToRest() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(frame(person(8 * i, 50, 100))[0]);
        }
        assertThat(track(1).dx()).isCloseTo(8, within(0.5f));
        for (int i = 0; i < 20; i++) {
            ids.add(frame(person(72 + (i % 2), 50, 100))[0]);
        }

        assertThat(ids.subList(2, ids.size())).containsOnly(1L);
        assertThat(track(1).dx()).isCloseTo(0, within(0.5f));
        assertThat(track(1).predicted().xMin()).isCloseTo(72.5f, within(1f));
    }

    @Test
    void aPersonMissedForAFrameOrTwoKeepsTheirIdWhereTheyWalkedTo() {
        // 15 px a frame, a box 40 wide: after two missed frames their box no longer overlaps where they were seen
        for (int i = 0; i < 10; i++) {
            frame(person(15 * i, 50, 100));
        }
        frame();
        frame();
        assertThat(track(1).misses()).isEqualTo(2);
        assertThat(track(1).box().xMin()).as("moved on while missed").isCloseTo(15 * 11, within(0.5f));
        assertThat(frame(person(15 * 12, 50, 100))).containsExactly(1);

        frame();
        assertThat(frame(person(15 * 14, 50, 100))).containsExactly(1);
        assertThat(nextId).isEqualTo(2);
    }

    @Test
    void aNewcomerWhereAWalkerWasDoesNotTakeTheirId() {
        // B steps out from behind A exactly where A was a frame ago, A having moved on 12 px
        for (int i = 0; i < 10; i++) {
            frame(person(12 * i, 50, 100));
        }
        long[] ids = frame(person(108, 50, 100), person(120, 50, 100));
        assertThat(ids).containsExactly(-1, 1);
        for (int i = 11; i < 14; i++) {
            ids = frame(person(108, 50, 100), person(12 * i, 50, 100));
        }
        assertThat(ids).containsExactly(2, 1);
    }

    @Test
    void aNewcomerNearAMissedWalkerDoesNotTakeTheirIdUnlessTheyFitThem() {
        for (int i = 0; i < 10; i++) {
            frame(person(10 * i, 50, 100));
        }
        // A is hidden from here on; B, who was behind A, stands overlapping where A was but not where A went
        frame(person(70, 50, 100));
        assertThat(track(1).misses()).isEqualTo(1);
        // C, a child, stands on where A went
        frame(person(70, 50, 100), person(110, 80, 65));
        assertThat(track(1).misses()).isEqualTo(2);
        // D, bent over, stands on where A went
        frame(person(70, 50, 100), person(110, 80, 65), person(118, 50, 100, BENT));
        assertThat(track(1).misses()).isEqualTo(3);

        long[] ids = frame(person(70, 50, 100), person(110, 80, 65), person(118, 50, 100, BENT),
                person(130, 50, 100));
        assertThat(ids).containsExactly(2, 3, -1, 1);
        assertThat(nextId).as("B, C and D each a track of their own").isEqualTo(5);
    }
}

package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import clipstream.job.records.DetectedPerson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PersonTracker} where people cross, stop, are hidden for a moment, appear next to someone followed, or fall
 * (with someone passing by, so that the tracker must tell a fall from a jump to another person).
 */
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

    /**
     * A person of {@code height} standing upright with the top left of their box at x, y, toppled forwards (to the
     * right) about their feet by {@code degrees}: their keypoints turned about the middle of their ankles, their box
     * around the keypoints with a margin of 5 % of their height, as a pose model reports a falling person.
     */
    private static DetectedPerson toppled(float x, float y, float height, double degrees) {
        DetectedPerson upright = person(x, y, height);
        float[] keypoints = upright.keypoints().clone();
        float feetX = (keypoints[3 * 15] + keypoints[3 * 16]) / 2;
        float feetY = (keypoints[3 * 15 + 1] + keypoints[3 * 16 + 1]) / 2;
        double cos = Math.cos(Math.toRadians(degrees));
        double sin = Math.sin(Math.toRadians(degrees));
        float xMin = Float.MAX_VALUE;
        float yMin = Float.MAX_VALUE;
        float xMax = -Float.MAX_VALUE;
        float yMax = -Float.MAX_VALUE;
        for (int k = 0; k < keypoints.length; k += 3) {
            float dx = keypoints[k] - feetX;
            float dy = keypoints[k + 1] - feetY;
            keypoints[k] = (float) (feetX + dx * cos - dy * sin);
            keypoints[k + 1] = (float) (feetY + dx * sin + dy * cos);
            xMin = Math.min(xMin, keypoints[k]);
            yMin = Math.min(yMin, keypoints[k + 1]);
            xMax = Math.max(xMax, keypoints[k]);
            yMax = Math.max(yMax, keypoints[k + 1]);
        }
        float margin = 0.05f * height;
        return new DetectedPerson(0.9f, xMin - margin, yMin - margin, xMax + margin, yMax + margin, keypoints);
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
    void newcomersNearAMissedWalkerDoNotTakeTheirIdUnlessTheyFitThem() {
        for (int i = 0; i < 10; i++) {
            frame(person(10 * i, 50, 100));
        }
        // A is hidden from here on; B, who was behind A, stands overlapping where A was but not where A went
        frame(person(70, 50, 100));
        assertThat(track(1).misses()).isEqualTo(1);
        // C, farther away (smaller, their feet higher up in the frame), and D, bent over, step in where A went
        frame(person(70, 50, 100), person(110, 65, 65), person(118, 50, 100, BENT));
        assertThat(track(1).misses()).isEqualTo(2);
        frame(person(70, 50, 100), person(110, 65, 65), person(118, 50, 100, BENT));
        assertThat(track(1).misses()).isEqualTo(3);

        long[] ids = frame(person(70, 50, 100), person(110, 65, 65), person(118, 50, 100, BENT),
                person(130, 50, 100));
        assertThat(ids).containsExactly(2, 3, 4, 1);
        assertThat(nextId).as("B, C and D each a track of their own").isEqualTo(5);
    }

    @Test
    void aWalkerMissedLongerIsNotTakenBackBySomeoneElseOnTheirWay() {
        for (int i = 0; i < 10; i++) {
            frame(person(10 * i, 50, 100));
        }
        for (int i = 0; i < PersonTracker.GUARDED_AFTER_MISSES; i++) {
            frame();
        }
        // on their own where A was going, but bent over, and then farther away: someone else
        assertThat(frame(person(90 + 10 * PersonTracker.GUARDED_AFTER_MISSES, 50, 100, BENT))).containsExactly(-1);
        tracks = List.of();
        nextId = 1;
        for (int i = 0; i < 10; i++) {
            frame(person(10 * i, 50, 100));
        }
        for (int i = 0; i < PersonTracker.GUARDED_AFTER_MISSES; i++) {
            frame();
        }
        assertThat(frame(person(100 + 10 * PersonTracker.GUARDED_AFTER_MISSES, 65, 65))).containsExactly(-1);
        assertThat(track(1).misses()).isEqualTo(PersonTracker.GUARDED_AFTER_MISSES + 1);
    }

    /**
     * A walks right at 6 px a frame and from frame 12 falls forwards in {@code fallFrames} frames (the tilt growing
     * with the square of the time, as a body falls), missing from the pose model's frames in {@code missed}, then
     * lies still; B, as tall, walks left past them all along, their boxes overlapping A's during the fall. Returns,
     * per frame, the ids given to A and to B (0: not seen).
     */
    private List<long[]> fallWithSomeonePassing(int fallFrames, Set<Integer> missed) {
        List<long[]> ids = new ArrayList<>();
        int onset = 12;
        for (int i = 0; i < 40; i++) {
            float x = 6 * Math.min(i, onset);
            double progress = Math.min(1, Math.max(0, (i - onset) / (double) fallFrames));
            DetectedPerson a = toppled(x, 50, 100, 88 * progress * progress);
            DetectedPerson b = person(150 - 4 * i, 52, 100);
            boolean aSeen = !missed.contains(i);
            List<DetectedPerson> seen = new ArrayList<>();
            seen.add(b);
            if (aSeen) {
                seen.add(i % 2 == 0 ? 0 : 1, a);
            }
            long[] found = frame(seen.toArray(DetectedPerson[]::new));
            ids.add(new long[] {aSeen ? found[seen.indexOf(a)] : 0, found[seen.indexOf(b)]});
        }
        return ids;
    }

    @Test
    void aPersonWhoFallsNextToSomeoneWalkingByStaysOneTrack() {
        List<long[]> ids = fallWithSomeonePassing(4, Set.of());

        DetectedPerson standing = toppled(72, 50, 100, 0);
        DetectedPerson lying = toppled(72, 50, 100, 88);
        assertThat(lying.yMax() - lying.yMin()).as("the fall took more than half the box's height")
                .isLessThan(0.5f * (standing.yMax() - standing.yMin()));
        assertThat(lying.yMax()).as("and left the feet where they were").isCloseTo(standing.yMax(), within(10f));
        assertKeptTheirIds(ids);
        assertThat(nextId).as("no track started for either").isEqualTo(3);
    }

    @Test
    void aPersonWhoFallsFastAndIsMissedAsTheyHitTheGroundStaysOneTrack() {
        // down in 3 frames, the pose model missing them for the last of them and the first frame on the ground
        List<long[]> ids = fallWithSomeonePassing(3, Set.of(14, 15));

        assertThat(ids.get(14)[0]).isZero();
        assertKeptTheirIds(ids);
        assertThat(nextId).isEqualTo(3);
    }

    @Test
    void aFallNextToSomeoneReplaysToTheSameIds() {
        List<long[]> first = fallWithSomeonePassing(4, Set.of(15));
        tracks = List.of();
        nextId = 1;
        List<long[]> again = fallWithSomeonePassing(4, Set.of(15));
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i)).containsExactly(first.get(i));
        }
    }
}

package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.records.DetectedPerson;
import clipstream.media.people.PeopleScene;
import clipstream.media.people.PersonAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PersonTracker} on the synthetic people cameras the end-to-end tests and the demo send (the media module's
 * {@link PeopleScene}: people walking, running, bending, falling, as a pose model reports them, with its noise and
 * missed frames): every person is followed by one track and every track follows one person, also through a fall.
 */
class PersonTrackerSceneTest {
    /** The job's tracking: minIou 0.3, confirmed after 3 frames, ended after 10 without the person. */
    private final PersonTracker tracker = new PersonTracker(0.3f, 3, 10, 16);

    /** Who was tracked by what in one scene: track ids per person, person ids per track. */
    private record Followed(Map<Long, Set<Long>> tracksOfPerson, Map<Long, Set<Long>> personsOfTrack,
                            Set<Long> trackable) {
    }

    /** {@code frames} frames of {@code scene} from {@code firstSeq} through the tracker, as the job's edge path does. */
    private Followed follow(PeopleScene scene, long firstSeq, int frames) {
        List<Track> tracks = List.of();
        long nextId = 1;
        Map<Long, Set<Long>> tracksOfPerson = new TreeMap<>();
        Map<Long, Set<Long>> personsOfTrack = new TreeMap<>();
        Map<Long, Integer> inARow = new HashMap<>();
        Set<Long> trackable = new TreeSet<>();
        for (long seq = firstSeq; seq < firstSeq + frames; seq++) {
            List<PeopleScene.SeenPerson> seen = scene.frame(seq);
            List<DetectedPerson> detections = new ArrayList<>();
            for (PeopleScene.SeenPerson person : seen) {
                float[] keypoints = new float[3 * person.keypoints().length];
                for (int k = 0; k < person.keypoints().length; k++) {
                    System.arraycopy(person.keypoints()[k], 0, keypoints, 3 * k, 3);
                }
                detections.add(new DetectedPerson(person.score(), person.xMin(), person.yMin(), person.xMax(),
                        person.yMax(), keypoints));
            }
            PersonTracker.Update update = tracker.update(tracks, nextId, detections);
            tracks = update.tracks();
            nextId = update.nextId();
            Map<Long, Integer> stillInARow = new HashMap<>();
            for (int i = 0; i < seen.size(); i++) {
                long person = seen.get(i).personId();
                int run = inARow.getOrDefault(person, 0) + 1;
                stillInARow.put(person, run);
                if (run >= 3) {
                    trackable.add(person);
                }
                long track = update.trackIds()[i];
                if (track >= 0) {
                    tracksOfPerson.computeIfAbsent(person, p -> new TreeSet<>()).add(track);
                    personsOfTrack.computeIfAbsent(track, t -> new TreeSet<>()).add(person);
                }
            }
            inARow = stillInARow;
        }
        return new Followed(tracksOfPerson, personsOfTrack, trackable);
    }

    private static void assertOneTrackPerPerson(Followed followed, String scene) {
        assertThat(followed.trackable()).as("%s: people seen 3 frames in a row", scene).isNotEmpty();
        assertThat(followed.tracksOfPerson().keySet()).as("%s: every trackable person tracked", scene)
                .containsAll(followed.trackable());
        assertThat(followed.tracksOfPerson()).as("%s: one track per person", scene)
                .allSatisfy((person, tracks) -> assertThat(tracks).as("person %d", person).hasSize(1));
        assertThat(followed.personsOfTrack()).as("%s: one person per track", scene)
                .allSatisfy((track, persons) -> assertThat(persons).as("track %d", track).hasSize(1));
    }

    @Test
    void everyPersonOfTheEndToEndTestsScenesIsOneTrack() {
        // the edge path's test (25 poses/s, seqs from 2^20), the demo's people cameras and the people actions test's
        assertOneTrackPerPerson(follow(new PeopleScene(2, 640, 480, 25, 32, Optional.empty(), 1), 1 << 20, 256),
                "random, 2 people, seed 1, 25/s");
        assertOneTrackPerPerson(follow(new PeopleScene(3, 640, 480, 25, 32, Optional.of(PersonAction.WALK), 1),
                1 << 20, 256), "walk, 3 people, seed 1, 25/s");
        for (long seed = 1; seed <= 2; seed++) {
            assertOneTrackPerPerson(follow(new PeopleScene(2, 640, 480, 10, 32, Optional.empty(), seed), 0, 250),
                    "random, 2 people, seed " + seed + ", 10/s");
        }
        for (long seed = 11; seed <= 13; seed++) {
            int people = seed == 13 ? 3 : 2;
            assertOneTrackPerPerson(follow(new PeopleScene(people, 640, 480, 10, 32, Optional.empty(), seed), 0, 256),
                    "random, " + people + " people, seed " + seed + ", 10/s");
        }
    }

    @Test
    void peopleWhoFallAreOneTrackFromTheirFirstStepToTheFloor() {
        // every visit of these scenes ends in a fall: from standing or walking, any way, 0.55-0.9 s to the floor
        int fallers = 0;
        for (int s = 0; s < 20; s++) {
            double fps = s % 2 == 0 ? 10 : 25;
            String name = "falls, seed " + (7000 + s) + ", " + (int) fps + "/s";
            Followed followed = follow(new PeopleScene(2, 640, 480, fps, 32, Optional.of(PersonAction.FALL), 7000 + s),
                    0, 384);
            assertOneTrackPerPerson(followed, name);
            fallers += followed.tracksOfPerson().size();
        }
        assertThat(fallers).isGreaterThanOrEqualTo(40);
    }
}

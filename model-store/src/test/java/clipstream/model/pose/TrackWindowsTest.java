package clipstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recorded video's tracks cut into clips as the job cuts a live camera's. */
class TrackWindowsTest {

    /** A person whose keypoints all sit at x = frame, so a clip's frames can be told apart. */
    private static PersonPose personAt(int frame) {
        List<PersonPose.Keypoint> keypoints = new ArrayList<>();
        for (int j = 0; j < 17; j++) {
            keypoints.add(new PersonPose.Keypoint(frame, 10 + j, 0.5f));
        }
        return new PersonPose(0.9f, frame - 5, 0, frame + 5, 40, keypoints);
    }

    private static VideoTracks.TrackedPerson track(int id, int... frames) {
        List<VideoTracks.Sighting> sightings = new ArrayList<>();
        for (int f : frames) {
            sightings.add(new VideoTracks.Sighting(f, personAt(f)));
        }
        return new VideoTracks.TrackedPerson(id, sightings);
    }

    private static int[] range(int first, int last, int... skipped) {
        List<Integer> frames = new ArrayList<>();
        for (int f = first; f <= last; f++) {
            final int frame = f;
            if (Arrays.stream(skipped).noneMatch(s -> s == frame)) {
                frames.add(f);
            }
        }
        return frames.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aTrackIsCutIntoOverlappingWholeClipsAndItsTailIsDropped() {
        // frames 10..49: 40 frames → clips at 10 (10-17), 14, 18, 22, 26, 30, 34, 38 (38-45); 42-49 also fits
        List<TrackWindows.Window> windows = TrackWindows.of(List.of(track(3, range(10, 49))), 8, 4, 2);

        assertThat(windows).extracting(TrackWindows.Window::first).containsExactly(10, 14, 18, 22, 26, 30, 34, 38, 42);
        assertThat(windows).allSatisfy(w -> {
            assertThat(w.track()).isEqualTo(3);
            assertThat(w.keypoints()).hasNumberOfRows(8);
            assertThat(w.filled()).isZero();
            assertThat(w.keypoints()[0][0][0]).isEqualTo(w.first());
            assertThat(w.keypoints()[7][16][0]).isEqualTo(w.last());
        });
        assertThat(TrackWindows.of(List.of(track(3, range(10, 45))), 8, 4, 2)).hasSize(8);
    }

    @Test
    void shortGapsAreFilledWithALostPersonAndLongOnesEndTheClip() {
        // frames 0..15 with 5 and 6 missed (a gap of 2 = maxGap): one run, filled
        List<TrackWindows.Window> filled = TrackWindows.of(List.of(track(1, range(0, 15, 5, 6))), 16, 16, 2);
        assertThat(filled).singleElement().satisfies(w -> {
            assertThat(w.filled()).isEqualTo(2);
            assertThat(w.keypoints()[5][0]).containsExactly(0, 0, 0);
            assertThat(w.boxes()[5]).isNull();
            assertThat(w.keypoints()[7][0][0]).isEqualTo(7);
            assertThat(w.box()).containsExactly(-5, 0, 20, 40);
        });
        // frames 0..15 with 5, 6 and 7 missed: the track splits into 0-4 and 8-15, neither long enough
        assertThat(TrackWindows.of(List.of(track(1, range(0, 15, 5, 6, 7))), 16, 16, 2)).isEmpty();
        assertThat(TrackWindows.of(List.of(track(1, range(0, 15, 5, 6, 7))), 8, 8, 2))
                .extracting(TrackWindows.Window::first).containsExactly(8);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> TrackWindows.of(List.of(), 8, 9, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stride");
    }
}

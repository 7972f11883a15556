package clipstream.job.people;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.records.Clip;
import clipstream.model.pose.KeypointClips;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting a camera's tracked poses into clips per person. */
class TrackClipsTest {
    private static final int JOINTS = 17;

    /** Person {@code track} at frame {@code seq}: joints spread over a box that moves right 2 px a frame. */
    private static Person person(long track, long seq) {
        float x0 = 100 + 2 * seq + 300 * (track % 2);
        List<Keypoint> keypoints = new ArrayList<>();
        for (int j = 0; j < JOINTS; j++) {
            keypoints.add(new Keypoint(x0 + j, 200f + 10 * j, 0.8f));
        }
        return new Person(track, 0.9f, x0, 200f, x0 + JOINTS, 200f + 10 * JOINTS, keypoints);
    }

    private static PersonPoses frame(long seq, int width, Person... people) {
        return PersonPoses.newBuilder().setCameraId("cam").setSeq(seq).setCaptureTime(Instant.ofEpochMilli(1000 + 100 * seq))
                .setWidth(width).setHeight(480).setPeople(List.of(people)).build();
    }

    private static PersonPoses frame(long seq, Person... people) {
        return frame(seq, 640, people);
    }

    @Test
    void aPersonFollowedForAClipGivesItWithTheirKeypointsNormalisedAndWhereTheyWere() {
        TrackClips clips = new TrackClips(32, 16, 4, 8);
        List<Clip> out = new ArrayList<>();
        for (long seq = 10; seq < 10 + 48; seq++) {
            out.addAll(clips.add(frame(seq, person(7, seq)), JOINTS, 5));
        }

        assertThat(out).hasSize(2);
        Clip first = out.get(0);
        assertThat(first.person().trackId()).isEqualTo(7);
        assertThat(first.firstSeq()).isEqualTo(10);
        assertThat(first.lastSeq()).isEqualTo(41);
        assertThat(first.startTime()).isEqualTo(2000);
        assertThat(first.endTime()).isEqualTo(5100);
        assertThat(first.framesFilled()).isZero();
        assertThat(first.completedAt()).isEqualTo(5);
        assertThat(first.person().xMin()).isEqualTo(100 + 2 * 10 + 300f);
        assertThat(first.person().xMax()).isEqualTo(100 + 2 * 41 + 300f + JOINTS);
        assertThat(first.person().frameWidth()).isEqualTo(640);
        float[][][] expected = new float[32][JOINTS][3];
        for (int t = 0; t < 32; t++) {
            List<Keypoint> keypoints = person(7, 10 + t).getKeypoints();
            for (int j = 0; j < JOINTS; j++) {
                expected[t][j] = new float[] {keypoints.get(j).getX(), keypoints.get(j).getY(), 0.8f};
            }
        }
        assertThat(KeypointClips.fromBytes(first.pixels())).containsExactly(KeypointClips.normalise(expected));
        // the stride: the next clip starts 16 pose frames later
        assertThat(out.get(1).firstSeq()).isEqualTo(26);
        assertThat(out.get(1).lastSeq()).isEqualTo(57);
    }

    @Test
    void aShortGapIsFilledWithALostPersonAndALongOneEndsTheClip() {
        TrackClips clips = new TrackClips(8, 8, 2, 8);
        List<Clip> out = new ArrayList<>();
        for (long seq = 0; seq < 8; seq++) {
            boolean missing = seq == 3 || seq == 4;
            out.addAll(missing ? clips.add(frame(seq), JOINTS, 0) : clips.add(frame(seq, person(1, seq)), JOINTS, 0));
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0).framesFilled()).isEqualTo(2);
        float[] values = KeypointClips.fromBytes(out.get(0).pixels());
        for (int i = 3 * JOINTS * 3; i < 5 * JOINTS * 3; i++) {
            assertThat(values[i]).as("value %d of the missing frames", i).isZero();
        }

        // three missing pose frames in a row (more than maxGap 2): the unfinished clip is dropped
        clips.add(frame(8, person(1, 8)), JOINTS, 0);
        for (long seq = 9; seq < 12; seq++) {
            assertThat(clips.add(frame(seq), JOINTS, 0)).isEmpty();
        }
        assertThat(clips.tracks()).isZero();
        assertThat(clips.droppedPartialClips()).isEqualTo(1);
    }

    @Test
    void peopleAreFollowedApartAndOnlyConfirmedTracksWithinTheLimitCount() {
        TrackClips clips = new TrackClips(4, 4, 1, 2);
        List<Clip> out = new ArrayList<>();
        for (long seq = 0; seq < 4; seq++) {
            out.addAll(clips.add(frame(seq, person(1, seq), person(2, seq), person(-1, seq), person(3, seq)),
                    JOINTS, 0));
        }
        assertThat(out).extracting(c -> c.person().trackId()).containsExactly(1L, 2L);
        assertThat(clips.refusedTracks()).isEqualTo(4);
        float[] one = KeypointClips.fromBytes(out.get(0).pixels());
        float[] two = KeypointClips.fromBytes(out.get(1).pixels());
        assertThat(out.get(0).person().xMin()).isNotEqualTo(out.get(1).person().xMin());
        assertThat(one).hasSameSizeAs(two);
    }

    @Test
    void oldSeqsAreIgnoredAndANewFrameSizeStartsOver() {
        TrackClips clips = new TrackClips(4, 4, 1, 2);
        clips.add(frame(5, person(1, 5)), JOINTS, 0);
        assertThat(clips.add(frame(5, person(1, 5)), JOINTS, 0)).isEmpty();
        assertThat(clips.add(frame(3, person(1, 3)), JOINTS, 0)).isEmpty();
        assertThat(clips.ignoredPoses()).isEqualTo(2);

        clips.add(frame(6, 1280, person(1, 6)), JOINTS, 0);
        assertThat(clips.droppedPartialClips()).isEqualTo(1);
        List<Clip> out = new ArrayList<>();
        for (long seq = 7; seq < 10; seq++) {
            out.addAll(clips.add(frame(seq, 1280, person(1, seq)), JOINTS, 0));
        }
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.firstSeq()).isEqualTo(6);
            assertThat(c.person().frameWidth()).isEqualTo(1280);
        });
    }
}

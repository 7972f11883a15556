package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoseClipGeneratorTest {
    private static final PoseClipGenerator GENERATOR = new PoseClipGenerator(PoseClipSettings.DEFAULTS);

    @Test
    void aClipFollowsFromItsSeed() {
        PoseClip a = GENERATOR.generate(PersonAction.FALL, 42);
        PoseClip b = new PoseClipGenerator(PoseClipSettings.DEFAULTS).generate(PersonAction.FALL, 42);
        PoseClip other = GENERATOR.generate(PersonAction.FALL, 43);

        assertThat(Arrays.deepEquals(a.keypoints(), b.keypoints())).isTrue();
        assertThat(Arrays.deepEquals(a.world(), b.world())).isTrue();
        assertThat(a.motion()).isEqualTo(b.motion());
        assertThat(a.camera()).isEqualTo(b.camera());
        assertThat(a.body()).isEqualTo(b.body());
        assertThat(Arrays.deepEquals(a.keypoints(), other.keypoints())).isFalse();
    }

    @Test
    void aClipHoldsTheFramesJointsAndLabelAskedFor() {
        PoseClipGenerator generator = new PoseClipGenerator(new PoseClipSettings(48, 30, 320, 240,
                KeypointNoise.DEFAULTS, 0.2));
        for (PersonAction action : PersonAction.values()) {
            PoseClip clip = generator.generate(action, 7);

            assertThat(clip.action()).isEqualTo(action);
            assertThat(clip.motion().action()).isEqualTo(action);
            assertThat(clip.fps()).isEqualTo(30);
            assertThat(clip.keypoints().length).isEqualTo(48);
            assertThat(clip.world().length).isEqualTo(48);
            for (float[][] frame : clip.keypoints()) {
                assertThat(frame.length).isEqualTo(Joint.COUNT);
                for (float[] k : frame) {
                    assertThat(k.length).isEqualTo(3);
                    assertThat(k[0]).isBetween(0f, 319f);
                    assertThat(k[1]).isBetween(0f, 239f);
                    assertThat(k[2]).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void bonesKeepTheirLengthsThroughEveryClip() {
        for (PersonAction action : PersonAction.values()) {
            for (long seed = 0; seed < 10; seed++) {
                PoseClip clip = GENERATOR.generate(action, seed);
                BodyProportions body = clip.body();
                for (int t = 0; t < clip.frames(); t++) {
                    for (BodySide side : BodySide.values()) {
                        assertBone(clip, t, side, "HIP", "KNEE", body.thigh());
                        assertBone(clip, t, side, "KNEE", "ANKLE", body.shin());
                        assertBone(clip, t, side, "SHOULDER", "ELBOW", body.upperArm());
                        assertBone(clip, t, side, "ELBOW", "WRIST", body.forearm());
                    }
                    assertThat(clip.world(t, Joint.LEFT_HIP).distanceTo(clip.world(t, Joint.RIGHT_HIP)))
                            .isCloseTo(body.hipWidth(), within(1e-9));
                    assertThat(clip.world(t, Joint.LEFT_SHOULDER).distanceTo(clip.world(t, Joint.RIGHT_SHOULDER)))
                            .isCloseTo(body.shoulderWidth(), within(1e-9));
                    assertThat(clip.world(t, Joint.LEFT_EAR).distanceTo(clip.world(t, Joint.RIGHT_EAR)))
                            .isCloseTo(0.086 * body.height(), within(1e-9));
                }
            }
        }
    }

    private static void assertBone(PoseClip clip, int t, BodySide side, String from, String to, double length) {
        assertThat(clip.world(t, Joint.of(side, from)).distanceTo(clip.world(t, Joint.of(side, to))))
                .as("%s %s %s-%s frame %d", clip.action(), side, from, to, t).isCloseTo(length, within(1e-9));
    }

    @Test
    void changingTheNoiseLeavesTheMotionAndCameraOfASeedAlone() {
        PoseClip noisy = GENERATOR.generate(PersonAction.WALK, 5);
        PoseClip clean = new PoseClipGenerator(PoseClipSettings.DEFAULTS.withNoise(KeypointNoise.NONE))
                .generate(PersonAction.WALK, 5);

        assertThat(Arrays.deepEquals(noisy.world(), clean.world())).isTrue();
        assertThat(noisy.camera()).isEqualTo(clean.camera());
        assertThat(Arrays.deepEquals(noisy.keypoints(), clean.keypoints())).isFalse();
        // the clean keypoints are the camera's projection of the true joints
        double[] nose = clean.camera().project(clean.world(10, Joint.NOSE));
        float[] reported = clean.keypoints()[10][Joint.NOSE.ordinal()];
        if (reported[2] == 1f) {
            assertThat((double) reported[0]).isCloseTo(nose[0], within(1e-3));
            assertThat((double) reported[1]).isCloseTo(nose[1], within(1e-3));
        }
    }

    @Test
    void datasetsAreBalancedAndTheSplitsNeverShareASeed() {
        Map<PersonAction, Integer> counts = new EnumMap<>(PersonAction.class);
        Set<Long> train = new HashSet<>();
        Set<Long> heldOut = new HashSet<>();
        for (long i = 0; i < 600; i++) {
            train.add(GENERATOR.clipSeed(77, DatasetSplit.TRAIN, i));
            heldOut.add(GENERATOR.clipSeed(77, DatasetSplit.HELD_OUT, i));
        }
        for (long i = 0; i < 120; i++) {
            PoseClip clip = GENERATOR.datasetClip(77, DatasetSplit.HELD_OUT, i);
            counts.merge(clip.action(), 1, Integer::sum);
            assertThat(clip.split()).isEqualTo(DatasetSplit.HELD_OUT);
        }

        assertThat(counts).hasSize(PersonAction.values().length).containsOnlyKeys(PersonAction.values());
        assertThat(counts.values()).containsOnly(10);
        assertThat(train).hasSize(600).doesNotContainAnyElementsOf(heldOut);
        assertThat(heldOut).hasSize(600);
        assertThat(train).allSatisfy(seed -> assertThat(DatasetSplit.of(seed, 0.2)).isEqualTo(DatasetSplit.TRAIN));
        int held = 0;
        for (long seed = 0; seed < 10_000; seed++) {
            held += DatasetSplit.of(seed, 0.2) == DatasetSplit.HELD_OUT ? 1 : 0;
        }
        assertThat(held / 10_000.0).isCloseTo(0.2, within(0.015));
    }

    @Test
    void mostClipsShowTheWholePersonAndSomeAreCutByTheFrameEdge() {
        int cut = 0;
        int pelvisInFrame = 0;
        int clips = 240;
        for (long i = 0; i < clips; i++) {
            PoseClip clip = GENERATOR.datasetClip(3, DatasetSplit.TRAIN, i);
            PinholeCamera camera = clip.camera();
            boolean anyOutside = false;
            for (int t = 0; t < clip.frames(); t++) {
                PersonView view = clip.view(t);
                for (Joint joint : Joint.values()) {
                    anyOutside |= !view.inFrame(joint, camera.width(), camera.height());
                }
            }
            cut += anyOutside ? 1 : 0;
            PersonView middle = clip.view(clip.frames() / 2);
            pelvisInFrame += middle.inFrame(Joint.LEFT_HIP, camera.width(), camera.height()) ? 1 : 0;
        }
        assertThat(cut / (double) clips).isBetween(0.03, 0.5);
        assertThat(pelvisInFrame / (double) clips).isGreaterThan(0.9);
    }

    /**
     * The generated data carries the signal a classifier needs: simple statistics of the true joints separate
     * walking from standing (how far the pelvis travels) and falling from bending (how far the line from the ankles
     * to the shoulders lies from vertical at the end; the torso alone does not tell them apart, a bend tips it
     * forward by 65–100° too).
     */
    @Test
    void simpleStatisticsTellWalkFromStandAndFallFromBend() {
        for (long i = 0; i < 40; i++) {
            assertThat(travel(GENERATOR.generate(PersonAction.WALK, i))).isGreaterThan(0.8);
            assertThat(travel(GENERATOR.generate(PersonAction.STAND, i))).isLessThan(0.1);

            PoseClip fall = GENERATOR.generate(PersonAction.FALL, i);
            PoseClip bend = GENERATOR.generate(PersonAction.BEND, i);
            int last = fall.frames() - 1;
            assertThat(ActionMotionTest.bodyLineDegrees(fall.joints(last))).isGreaterThan(60);
            assertThat(ActionMotionTest.bodyLineDegrees(bend.joints(last))).isLessThan(40);
        }
    }

    private static double travel(PoseClip clip) {
        Vector3 first = ActionMotionTest.pelvis(clip.joints(0));
        Vector3 last = ActionMotionTest.pelvis(clip.joints(clip.frames() - 1));
        return Math.hypot(last.x() - first.x(), last.z() - first.z());
    }
}

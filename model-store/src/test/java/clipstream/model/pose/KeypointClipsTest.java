package clipstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

/** The clip box and the normalisation that training data and the job's per-track clips share. */
class KeypointClipsTest {

    /** Two frames of three keypoints each; the person spans x 100–140, y 200–300 over the clip. */
    private static float[][][] clip() {
        return new float[][][] {
            {{100, 200, 0.9f}, {120, 250, 0.8f}, {110, 300, 0.7f}},
            {{140, 200, 0.9f}, {120, 250, 0.05f}, {130, 290, 0.0f}},
        };
    }

    @Test
    void theBoxIsASquareAroundTheConfidentKeypointsWithAMargin() {
        KeypointClips.Box box = KeypointClips.box(clip());

        // extent 40 x 100 (the 0.05 and 0 keypoints do not count) → side 125, centred on (120, 250)
        assertThat(box.side()).isEqualTo(125f);
        assertThat(box.xMin()).isEqualTo(120 - 62.5f);
        assertThat(box.yMin()).isEqualTo(250 - 62.5f);
    }

    @Test
    void keypointsMoveIntoTheBoxAndLostOnesStayZero() {
        float[] values = KeypointClips.normalise(clip());

        assertThat(values).hasSize(2 * 3 * 3);
        assertThat(values[0]).isCloseTo((100 - 57.5f) / 125, offset(1e-6f));
        assertThat(values[1]).isCloseTo((200 - 187.5f) / 125, offset(1e-6f));
        assertThat(values[2]).isEqualTo(0.9f);
        // a low-scored keypoint keeps its place and score; a score-0 one is all zero
        assertThat(values[3 * 3 + 3 + 2]).isEqualTo(0.05f);
        assertThat(new float[] {values[15], values[16], values[17]}).containsExactly(0f, 0f, 0f);
        for (int i = 0; i < values.length; i += 3) {
            assertThat(values[i]).isBetween(0f, 1f);
            assertThat(values[i + 1]).isBetween(0f, 1f);
        }
    }

    @Test
    void theSameMotionAnywhereInTheFrameAndAtAnySizeGivesTheSameClip() {
        float[][][] moved = clip();
        for (float[][] frame : moved) {
            for (float[] k : frame) {
                k[0] = k[0] * 2.5f + 400;
                k[1] = k[1] * 2.5f - 100;
            }
        }

        float[] a = KeypointClips.normalise(clip());
        float[] b = KeypointClips.normalise(moved);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as("value %d", i).isCloseTo(a[i], offset(1e-5f));
        }
    }

    @Test
    void aClipWithFewConfidentKeypointsFallsBackToAnyScoredOnes() {
        float[][][] faint = {{{10, 10, 0.1f}, {30, 50, 0.1f}}, {{20, 40, 0.15f}, {0, 0, 0}}};

        KeypointClips.Box box = KeypointClips.box(faint);

        assertThat(box.side()).isEqualTo(1.25f * 40);
    }

    @Test
    void aClipWithNobodyOrOnlyBrokenValuesIsAllZero() {
        float[][][] nobody = {{{0, 0, 0}, {0, 0, 0}}, {{Float.NaN, 3, 0.9f}, {5, Float.POSITIVE_INFINITY, 0.9f}}};

        assertThat(KeypointClips.box(nobody).side()).isZero();
        assertThat(KeypointClips.normalise(nobody)).containsOnly(0f);
    }

    @Test
    void bytesAreLittleEndianFloatsAndReadBack() {
        float[] values = KeypointClips.normalise(clip());

        byte[] bytes = KeypointClips.toBytes(values);

        assertThat(bytes).hasSize(values.length * 4);
        assertThat(Float.intBitsToFloat((bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF) << 16
                | (bytes[3] & 0xFF) << 24)).isEqualTo(values[0]);
        assertThat(KeypointClips.fromBytes(bytes)).containsExactly(values);
    }
}

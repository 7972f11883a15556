package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeopleSceneTest {
    private static final int SEGMENT = 32;
    private static final int VISIT_FRAMES = PeopleScene.VISIT_SEGMENTS * SEGMENT;

    private static PeopleScene scene(int people, Optional<PersonAction> action, long seed) {
        return new PeopleScene(people, 640, 480, 25, SEGMENT, action, seed);
    }

    private static float iou(PeopleScene.SeenPerson a, PeopleScene.SeenPerson b) {
        float w = Math.min(a.xMax(), b.xMax()) - Math.max(a.xMin(), b.xMin());
        float h = Math.min(a.yMax(), b.yMax()) - Math.max(a.yMin(), b.yMin());
        if (w <= 0 || h <= 0) {
            return 0;
        }
        float areaA = (a.xMax() - a.xMin()) * (a.yMax() - a.yMin());
        float areaB = (b.xMax() - b.xMin()) * (b.yMax() - b.yMin());
        return w * h / (areaA + areaB - w * h);
    }

    @Test
    void aSceneFollowsFromItsSeedInOrderOrFromAnySeq() {
        PeopleScene inOrder = scene(3, Optional.empty(), 5);
        List<List<PeopleScene.SeenPerson>> frames = new ArrayList<>();
        for (long seq = 0; seq < 2 * VISIT_FRAMES; seq++) {
            frames.add(inOrder.frame(seq));
        }
        PeopleScene again = scene(3, Optional.empty(), 5);
        PeopleScene other = scene(3, Optional.empty(), 6);

        for (long seq : new long[] {VISIT_FRAMES + 100, 37, 400, 0}) {
            List<PeopleScene.SeenPerson> expected = frames.get((int) seq);
            List<PeopleScene.SeenPerson> actual = again.frame(seq);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < actual.size(); i++) {
                assertThat(actual.get(i).personId()).isEqualTo(expected.get(i).personId());
                assertThat(actual.get(i).keypoints()).as("seq %d", seq).isDeepEqualTo(expected.get(i).keypoints());
            }
        }
        assertThat(other.frame(400)).extracting(PeopleScene.SeenPerson::xMin)
                .isNotEqualTo(frames.get(400).stream().map(PeopleScene.SeenPerson::xMin).toList());
    }

    @Test
    void everyoneSeenIsInTheirLaneAndFrameAndMatchesTheGroundTruth() {
        PeopleScene scene = scene(4, Optional.empty(), 11);
        int seen = 0;
        int present = 0;
        for (long seq = 1_000_000; seq < 1_000_000 + 2L * VISIT_FRAMES; seq++) {
            for (int lane = 0; lane < 4; lane++) {
                present += scene.personAt(lane, seq) >= 0 ? 1 : 0;
            }
            float previousScore = Float.MAX_VALUE;
            for (PeopleScene.SeenPerson person : scene.frame(seq)) {
                seen++;
                assertThat(person.score()).isBetween(0f, 1f).isLessThanOrEqualTo(previousScore);
                previousScore = person.score();
                assertThat(scene.personAt(person.lane(), seq)).isEqualTo(person.personId());
                assertThat(scene.actionAt(person.lane(), seq)).contains(person.action());
                assertThat(person.personId() % 4).isEqualTo(person.lane());
                assertThat(scene.laneOf((person.xMin() + person.xMax()) / 2)).isEqualTo(person.lane());
                assertThat(person.xMin()).isBetween(person.lane() * 160f, person.xMax());
                assertThat(person.xMax()).isLessThanOrEqualTo((person.lane() + 1) * 160f);
                assertThat(person.yMin()).isBetween(0f, person.yMax());
                assertThat(person.yMax()).isLessThanOrEqualTo(480f);
                assertThat(person.keypoints()).hasNumberOfRows(Joint.COUNT);
                for (float[] keypoint : person.keypoints()) {
                    assertThat(keypoint[0]).isBetween(person.lane() * 160f, (person.lane() + 1) * 160f);
                    assertThat(keypoint[1]).isBetween(0f, 480f);
                    assertThat(keypoint[2]).isBetween(0f, 1f);
                }
            }
        }
        // the simulated estimator misses a person in missingFrameRate of the frames (measured on real footage)
        assertThat((double) seen / present).as("people the simulated estimator reports")
                .isGreaterThan(1 - KeypointNoise.DEFAULTS.missingFrameRate() - 0.05);
    }

    @Test
    void aPersonMovesOnFromClipToClipSoConsecutiveBoxesOverlap() {
        for (Optional<PersonAction> action : List.of(Optional.<PersonAction>empty(), Optional.of(PersonAction.WALK))) {
            PeopleScene scene = scene(2, action, 3);
            Map<Long, PeopleScene.SeenPerson> last = new HashMap<>();
            Map<Long, Float> firstX = new HashMap<>();
            float largestMove = 0;
            int pairs = 0;
            int overlapping = 0;
            int boundaries = 0;
            for (long seq = 0; seq < 4L * VISIT_FRAMES; seq++) {
                for (PeopleScene.SeenPerson person : scene.frame(seq)) {
                    PeopleScene.SeenPerson before = last.get(person.personId());
                    float x = (person.xMin() + person.xMax()) / 2;
                    firstX.putIfAbsent(person.personId(), x);
                    largestMove = Math.max(largestMove, Math.abs(x - firstX.get(person.personId())));
                    if (before != null) {
                        pairs++;
                        overlapping += iou(before, person) >= 0.3f ? 1 : 0;
                        boundaries += seq % SEGMENT == 0 ? 1 : 0;
                    }
                    last.put(person.personId(), person);
                }
            }
            assertThat(boundaries).as("pairs across a clip boundary").isGreaterThan(20);
            assertThat((double) overlapping / pairs).as("%s: boxes of a person in consecutive frames that overlap",
                    action).isGreaterThan(0.99);
            assertThat(largestMove).as("%s: people get somewhere (not on the spot)", action).isGreaterThan(30f);
        }
    }

    @Test
    void aVisitIsItsActionsThenNobodyAndAFallEndsItEarly() {
        PeopleScene scene = scene(2, Optional.empty(), 21);
        int falls = 0;
        int sitDowns = 0;
        for (int lane = 0; lane < 2; lane++) {
            for (long segment = 0; segment < 400; segment++) {
                long seq = segment * SEGMENT;
                Optional<PersonAction> action = scene.actionAt(lane, seq);
                Optional<PersonAction> next = scene.actionAt(lane, seq + SEGMENT);
                for (int t = 1; t < SEGMENT; t++) {
                    assertThat(scene.actionAt(lane, seq + t)).isEqualTo(action);
                    assertThat(scene.personAt(lane, seq + t)).isEqualTo(scene.personAt(lane, seq));
                }
                if (action.isPresent() && action.get() == PersonAction.FALL) {
                    falls++;
                    assertThat(next).as("after a fall").isEmpty();
                }
                if (action.isPresent() && action.get() == PersonAction.SIT_DOWN) {
                    sitDowns++;
                    assertThat(next).as("after a sit-down").contains(PersonAction.STAND_UP);
                }
                if (next.isPresent() && next.get() == PersonAction.STAND_UP) {
                    assertThat(action).contains(PersonAction.SIT_DOWN);
                }
                if (action.isPresent() && next.isPresent()) {
                    assertThat(scene.personAt(lane, seq + SEGMENT)).as("one person through a visit")
                            .isEqualTo(scene.personAt(lane, seq));
                }
            }
            long people = 0;
            long previous = -1;
            for (long segment = 0; segment < 400; segment++) {
                long person = scene.personAt(lane, segment * SEGMENT);
                if (person >= 0 && person != previous) {
                    people++;
                }
                previous = person;
            }
            assertThat(people).as("a new person every visit").isEqualTo(400 / PeopleScene.VISIT_SEGMENTS);
        }
        assertThat(falls).isPositive();
        assertThat(sitDowns).isPositive();
    }

    @Test
    void aGivenActionIsWhatEveryoneDoesAndLanesComeAndGoAtDifferentTimes() {
        PeopleScene scene = scene(4, Optional.of(PersonAction.WAVE), 1);
        List<Long> emptySegments = new ArrayList<>();
        for (long segment = 0; segment < PeopleScene.VISIT_SEGMENTS; segment++) {
            for (int lane = 0; lane < 4; lane++) {
                Optional<PersonAction> action = scene.actionAt(lane, segment * SEGMENT);
                if (action.isEmpty()) {
                    emptySegments.add(segment);
                } else {
                    assertThat(action).contains(PersonAction.WAVE);
                }
            }
        }
        assertThat(emptySegments).as("each lane's empty segment, at its own time").doesNotHaveDuplicates()
                .hasSize(4);
    }

    @Test
    void scenesThatCannotHoldTheirPeopleAreRefused() {
        assertThatThrownBy(() -> new PeopleScene(0, 640, 480, 25, 32, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-16 people");
        assertThatThrownBy(() -> new PeopleScene(17, 2000, 480, 25, 32, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-16 people");
        assertThatThrownBy(() -> new PeopleScene(4, 100, 480, 25, 32, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32x32");
        assertThatThrownBy(() -> new PeopleScene(1, 640, 480, 0, 32, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fps");
    }
}

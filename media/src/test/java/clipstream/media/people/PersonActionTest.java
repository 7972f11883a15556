package clipstream.media.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PersonActionTest {

    @Test
    void twelveActionsWithTheirLabels() {
        assertThat(PersonAction.labels()).containsExactly("stand", "walk", "run", "sit_down", "stand_up", "fall",
                "jump", "wave", "bend", "crouch", "kick", "punch");
        assertThat(PersonAction.fromLabel(" Sit-Down ")).isEqualTo(PersonAction.SIT_DOWN);
        assertThatThrownBy(() -> PersonAction.fromLabel("dance")).hasMessageContaining("Unknown person action")
                .hasMessageContaining("stand_up");
    }

    @Test
    void keypointsAreMoveNetsInItsOrder() {
        assertThat(Joint.labels()).containsExactly("nose", "left_eye", "right_eye", "left_ear", "right_ear",
                "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle");
        assertThat(Joint.LEFT_KNEE.mirror()).isEqualTo(Joint.RIGHT_KNEE);
        assertThat(Joint.RIGHT_EAR.mirror()).isEqualTo(Joint.LEFT_EAR);
        assertThat(Joint.NOSE.mirror()).isEqualTo(Joint.NOSE);
        assertThat(Bone.MOVENET_EDGES).hasSize(18);
    }

    @Test
    void everyActionHasAMotionThatNamesIt() {
        BodyProportions body = BodyProportions.average(1.7);
        for (PersonAction action : PersonAction.values()) {
            ActionMotion motion = ActionMotion.sample(action, body, 1.28, new SplittableRandom(1));
            assertThat(motion.action()).isEqualTo(action);
        }
    }
}

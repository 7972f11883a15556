package clipstream.media.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyntheticCameraTest {

    @Test
    void framesAndGroundTruthAreDeterministicFromTheSeed() {
        SyntheticCamera a = new SyntheticCamera(32, 24, Optional.empty(), 16, 5);
        SyntheticCamera b = new SyntheticCamera(32, 24, Optional.empty(), 16, 5);

        assertThat(a.frame(37)).hasSize(32 * 24 * 3).isEqualTo(b.frame(37));
        assertThat(a.actionAt(40)).isEqualTo(b.actionAt(40));
        assertThat(a.actionAt(32)).isEqualTo(a.actionAt(47));
        assertThat(a.frame(3)).isNotEqualTo(a.frame(4));
    }

    @Test
    void aFixedActionHoldsForEverySegment() {
        SyntheticCamera left = new SyntheticCamera(16, 16, SyntheticCamera.parseAction("left"), 8, 1);

        assertThat(left.actionAt(0)).isEqualTo(MotionAction.LEFT);
        assertThat(left.actionAt(1000)).isEqualTo(MotionAction.LEFT);
        assertThat(SyntheticCamera.parseAction("random")).isEmpty();
        assertThatThrownBy(() -> SyntheticCamera.parseAction("jump")).hasMessageContaining("Unknown motion action");
    }
}

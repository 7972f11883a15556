package clipstream.alerts.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CameraSelectorTest {

    @Test
    void allMatchesEveryCamera() {
        assertThat(CameraSelector.all().matches("anything")).isTrue();
        assertThat(CameraSelector.all().matchesAll()).isTrue();
        assertThat(CameraSelector.all()).hasToString("all");
    }

    @Test
    void globsMatchWholeIdsWithStarAndQuestionMark() {
        CameraSelector selector = CameraSelector.of(List.of("gate-*", "lobby-?", "dock-7"));

        assertThat(selector.matchesAll()).isFalse();
        assertThat(selector.matches("gate-1")).isTrue();
        assertThat(selector.matches("gate-")).isTrue();
        assertThat(selector.matches("lobby-3")).isTrue();
        assertThat(selector.matches("lobby-33")).isFalse();
        assertThat(selector.matches("dock-7")).isTrue();
        assertThat(selector.matches("dock-77")).as("a plain id is matched whole").isFalse();
        assertThat(selector.matches("north-gate-1")).isFalse();
    }

    @Test
    void regexCharactersInAnIdAreLiteral() {
        CameraSelector selector = CameraSelector.of(List.of("cam.1", "a|b", "(x)+"));

        assertThat(selector.matches("cam.1")).isTrue();
        assertThat(selector.matches("camX1")).isFalse();
        assertThat(selector.matches("a|b")).isTrue();
        assertThat(selector.matches("a")).as("an alternation inside one glob does not leak").isFalse();
        assertThat(selector.matches("(x)+")).isTrue();
        assertThat(selector.matches("xx")).isFalse();
    }

    @Test
    void selectorsWithTheSameGlobsAreEqual() {
        assertThat(CameraSelector.of(List.of("a-*", "b"))).isEqualTo(CameraSelector.of(List.of("a-*", "b")))
                .hasSameHashCodeAs(CameraSelector.of(List.of("a-*", "b")))
                .isNotEqualTo(CameraSelector.of(List.of("b", "a-*")));
        assertThatThrownBy(() -> CameraSelector.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}

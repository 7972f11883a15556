package clipstream.model.zoo;

import clipstream.model.store.InputShape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {

    @Test
    void c3dReproducesThePublishedParameterAndMultiplyAddCounts() {
        NetworkPlan c3d = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D, new InputShape(16, 112, 112, 3), 101));

        // Tran et al. 2015: 78.4 M parameters, ~38.5 G multiply-adds per 16x112x112 clip
        assertThat(c3d.totalParams() / 1e6).isCloseTo(78.4, within(0.05));
        assertThat(c3d.totalMacs() / 1e9).isCloseTo(38.5, within(0.1));
        assertThat(c3d.steps().get(c3d.steps().size() - 1).outputShape()).containsExactly(101);
        // pool5 keeps partial windows: 2x7x7 -> 1x4x4, so fc6 sees 8192 inputs
        assertThat(c3d.variables().stream().filter(v -> v.name().equals("fc6/kernel")).findFirst().orElseThrow().shape())
                .containsExactly(8192, 4096);
    }

    @Test
    void seedConv3dHasTheSeedLayers() {
        NetworkPlan seed = NetworkPlan.of(ModelZoo.architecture(ModelZoo.SEED_CONV3D, new InputShape(32, 64, 64, 3), 10));

        assertThat(seed.steps()).extracting(s -> s.layer().name())
                .containsExactly("conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "logits");
        // valid 3x3x3 convolutions: 32x64x64 -> 30x62x62 -> pool 15x31x31 -> 13x29x29 -> pool 6x14x14
        assertThat(seed.steps().get(0).outputShape()).containsExactly(30, 62, 62, 64);
        assertThat(seed.steps().get(3).outputShape()).containsExactly(6, 14, 14, 128);
    }

    @Test
    void frame2dSeesOneFrameOnly() {
        NetworkPlan frame2d = NetworkPlan.of(ModelZoo.architecture(ModelZoo.FRAME2D, new InputShape(32, 64, 64, 3), 10));

        assertThat(frame2d.steps().get(0).outputShape()).containsExactly(1, 64, 64, 3);
        assertThat(frame2d.variables().stream().filter(v -> v.name().endsWith("/kernel") && v.shape().length == 5))
                .allSatisfy(v -> assertThat(v.shape()[0]).as(v.name() + " temporal kernel").isEqualTo(1));
    }

    @Test
    void c3dSmallNormalisesItsConvolutionsWithMovingStatisticsThatAreNotTrained() {
        NetworkPlan small = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, new InputShape(32, 64, 64, 3), 10));

        assertThat(small.variables()).filteredOn(v -> v.name().startsWith("conv1/"))
                .extracting(NetworkPlan.VariableSpec::name, NetworkPlan.VariableSpec::trainable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("conv1/kernel", true),
                        org.assertj.core.groups.Tuple.tuple("conv1/gamma", true),
                        org.assertj.core.groups.Tuple.tuple("conv1/beta", true),
                        org.assertj.core.groups.Tuple.tuple("conv1/moving_mean", false),
                        org.assertj.core.groups.Tuple.tuple("conv1/moving_variance", false));
    }

    @Test
    void describePrintsEveryLayerAndTheTotals() {
        String table = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, new InputShape(32, 64, 64, 3), 10)).describe();

        assertThat(table).contains("conv1", "pool4", "fc5", "logits", "total", "multiply-adds");
    }

    /** A type name longer than the column's 12 characters widens it: every row's output column starts in one place. */
    @Test
    void describeKeepsItsColumnsAlignedForLongTypeNames() {
        String table = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL_STREAM, new InputShape(32, 64, 64, 3),
                10)).describe();
        List<String> rows = table.lines().filter(line -> line.startsWith("conv1 ") || line.startsWith("layer ")
                || line.contains("WindowAveragePool")).toList();
        assertThat(rows).hasSize(3);
        List<Integer> outputColumns = rows.stream().map(row -> {
            String[] words = row.trim().split(" +");
            return row.indexOf(" " + words[2], row.indexOf(words[1]) + words[1].length()) + 1;
        }).toList();
        assertThat(outputColumns).as("where the output column starts in %s", rows).containsOnly(outputColumns.get(0));
    }

    @Test
    void aTooSmallInputFailsWithAClearMessage() {
        assertThatThrownBy(() -> NetworkPlan.of(ModelZoo.architecture(ModelZoo.SEED_CONV3D, new InputShape(4, 4, 4, 3), 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too small");
        assertThatThrownBy(() -> ModelZoo.architecture("resnet", new InputShape(4, 4, 4, 3), 10))
                .hasMessageContaining("Unknown architecture");
    }
}

package clipstream.model.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import clipstream.model.runtime.TensorFlowNatives;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

class TfjsGraphImporterTest {
    private static final float[] INPUT = {1, 2, 3, 4, 0.5f, -1, 2, 0, 3, 1, -2, 1, 0, 0.25f, 1, 2};

    @TempDir
    Path dir;

    @Test
    void aGraphModelWithFloat16Uint8AndInt32WeightsComputesWhatItsWeightsSay() throws Exception {
        String model = TfjsFixture.write(dir.resolve("src"), "graph-model");
        TfjsModelFiles files = TfjsModelFiles.read(dir.resolve("src"), model);
        assertThat(files.sha256()).containsOnlyKeys("tiny.json", "group1-shard1of2.bin", "group1-shard2of2.bin");

        for (TfjsGraphImporter.HalfWeights half : TfjsGraphImporter.HalfWeights.values()) {
            TfjsGraphImporter.ImportedGraph imported = TfjsGraphImporter.importGraph(files, half);
            assertThat(imported.weights()).isEqualTo(3);
            Path savedModel = dir.resolve("saved-" + half);
            TfjsSavedModelWriter.write(imported, savedModel);

            assertThat(run(savedModel)).as(half.name()).containsExactly(TfjsFixture.expected(INPUT), within(1e-5f));
        }
    }

    @Test
    void keptHalfWeightsAreHalfFloatsBehindACastUnderTheWeightsName() throws Exception {
        TfjsModelFiles files = TfjsModelFiles.read(dir.resolve("src"), TfjsFixture.write(dir.resolve("src"), "graph-model"));
        GraphDef graph = TfjsGraphImporter.importGraph(files, TfjsGraphImporter.HalfWeights.KEEP).graph();

        NodeDef cast = node(graph, "filter");
        assertThat(cast.getOp()).isEqualTo("Cast");
        assertThat(cast.getInputList()).containsExactly("filter/float16");
        NodeDef half = node(graph, "filter/float16");
        assertThat(half.getAttrOrThrow("value").getTensor().getDtype()).isEqualTo(DataType.DT_HALF);
        assertThat(half.getAttrOrThrow("value").getTensor().getTensorContent().size()).isEqualTo(8 * 2);
        assertThat(node(graph, "bias").getAttrOrThrow("value").getTensor().getDtype()).isEqualTo(DataType.DT_FLOAT);
    }

    @Test
    void anNpmTarballImportsLikeTheFolder() throws Exception {
        String model = TfjsFixture.write(dir.resolve("src"), "graph-model");
        Path tgz = dir.resolve("tiny-1.0.0.tgz");
        TfjsFixture.tarball(dir.resolve("src"), tgz);

        TfjsModelFiles files = TfjsModelFiles.read(tgz, model);

        assertThat(files.sha256()).containsOnlyKeys("package/models/tiny.json", "package/models/group1-shard1of2.bin",
                "package/models/group1-shard2of2.bin");
        TfjsSavedModelWriter.write(TfjsGraphImporter.importGraph(files, TfjsGraphImporter.HalfWeights.KEEP),
                dir.resolve("saved"));
        assertThat(run(dir.resolve("saved"))).containsExactly(TfjsFixture.expected(INPUT), within(1e-5f));
    }

    @Test
    void truncatedOrOversizedWeightsAreAClearError() throws Exception {
        String model = TfjsFixture.write(dir.resolve("src"), "graph-model");
        Path shard = dir.resolve("src/group1-shard2of2.bin");
        byte[] whole = Files.readAllBytes(shard);

        Files.write(shard, Arrays.copyOf(whole, whole.length - 3));
        assertThatThrownBy(() -> TfjsGraphImporter.importGraph(TfjsModelFiles.read(dir.resolve("src"), model),
                TfjsGraphImporter.HalfWeights.KEEP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight flat needs 8 bytes");

        Files.write(shard, Arrays.copyOf(whole, whole.length + 4));
        assertThatThrownBy(() -> TfjsGraphImporter.importGraph(TfjsModelFiles.read(dir.resolve("src"), model),
                TfjsGraphImporter.HalfWeights.KEEP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bytes more than the manifest");
    }

    @Test
    void aMissingShardACorruptTarballAndALayersModelAreRefusedNamingTheFile() throws Exception {
        String model = TfjsFixture.write(dir.resolve("src"), "graph-model");
        Path tgz = dir.resolve("tiny.tgz");
        TfjsFixture.tarball(dir.resolve("src"), tgz);
        Files.write(tgz, Arrays.copyOf(Files.readAllBytes(tgz), 40));
        assertThatThrownBy(() -> TfjsModelFiles.read(tgz, model)).hasMessageContaining(tgz.toString());

        Files.delete(dir.resolve("src/group1-shard2of2.bin"));
        assertThatThrownBy(() -> TfjsModelFiles.read(dir.resolve("src"), model))
                .hasMessageContaining("group1-shard2of2.bin");

        String layers = TfjsFixture.write(dir.resolve("layers"), "layers-model");
        assertThatThrownBy(() -> TfjsGraphImporter.importGraph(TfjsModelFiles.read(dir.resolve("layers"), layers),
                TfjsGraphImporter.HalfWeights.KEEP)).hasMessageContaining("only graph models");
    }

    @Test
    void theOpsTfjsWritesDifferentlyAreMended() {
        GraphDef.Builder graph = GraphDef.newBuilder()
                .addNode(NodeDef.newBuilder().setName("dw").setOp("FusedDepthwiseConv2dNative")
                        .putAttr("explicit_paddings", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build()))
                .addNode(NodeDef.newBuilder().setName("conv").setOp("_FusedConv2D")
                        .putAttr("num_args", AttrValue.newBuilder().setI(2).build()));

        TfjsGraphImporter.mendOps(graph);

        assertThat(graph.getNode(0).getOp()).isEqualTo("_FusedDepthwiseConv2dNative");
        assertThat(graph.getNode(0).containsAttr("explicit_paddings")).isFalse();
        assertThat(graph.getNode(1).getAttrOrThrow("TArgs").getList().getTypeList())
                .containsExactly(DataType.DT_FLOAT, DataType.DT_FLOAT);
    }

    @Test
    void halfFloatsWidenExactly() {
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(TfjsGraphImporter.halfToFloat((short) 0x7e00)).isNaN();
    }

    private static float[] run(Path savedModel) {
        TensorFlowNatives.engine();
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
             TFloat32 input = TFloat32.tensorOf(Shape.of(1, 4, 4, 1))) {
            for (int i = 0; i < INPUT.length; i++) {
                input.setFloat(INPUT[i], 0, i / 4, i % 4, 0);
            }
            try (Result result = bundle.function("serving_default").call(Map.of("x", input))) {
                TFloat32 output = (TFloat32) result.get("y").orElseThrow();
                float[] values = new float[18];
                for (int i = 0; i < 18; i++) {
                    values[i] = output.getFloat(0, i);
                }
                return values;
            }
        }
    }

    private static NodeDef node(GraphDef graph, String name) {
        return graph.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }
}

package clipstream.model.tfjs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A small TF.js graph model written the way the TF.js converter writes one: a 2×2 convolution of a 4×4×1 input
 * into 2 channels, a bias, a reshape to 18 values. Its filter is float16-quantised, its bias uint8
 * affine-quantised, its reshape target an int32 weight, and the weights are split over two shards.
 */
final class TfjsFixture {
    /** The filter as float16 stores it exactly (multiples of 1/8), [kh][kw][in][out]. */
    static final float[] FILTER = {0.5f, -0.25f, 1.0f, 0.125f, -0.75f, 0.375f, 0.25f, -1.0f};
    static final int[] BIAS_QUANTISED = {60, 130};
    static final float BIAS_SCALE = 0.01f;
    static final float BIAS_MIN = -0.5f;

    private TfjsFixture() {
    }

    /** Writes {@code model.json} and two shards into {@code folder}; returns the model name. */
    static String write(Path folder, String format) throws IOException {
        GraphDef graph = GraphDef.newBuilder()
                .addNode(node("input", "Placeholder").putAttr("dtype", type(DataType.DT_FLOAT))
                        .putAttr("shape", AttrValue.newBuilder().setShape(shape(1, 4, 4, 1)).build()))
                .addNode(constant("filter", DataType.DT_FLOAT, shape(2, 2, 1, 2)))
                .addNode(node("conv", "Conv2D").addInput("input").addInput("filter").putAttr("T", type(DataType.DT_FLOAT))
                        .putAttr("strides", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                                .addAllI(Arrays.asList(1L, 1L, 1L, 1L))).build())
                        .putAttr("padding", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8("VALID")).build())
                        .putAttr("data_format", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8("NHWC")).build()))
                .addNode(constant("bias", DataType.DT_FLOAT, shape(2)))
                .addNode(node("biased", "BiasAdd").addInput("conv").addInput("bias").putAttr("T", type(DataType.DT_FLOAT)))
                .addNode(constant("flat", DataType.DT_INT32, shape(2)))
                .addNode(node("reshaped", "Reshape").addInput("biased").addInput("flat")
                        .putAttr("T", type(DataType.DT_FLOAT)).putAttr("Tshape", type(DataType.DT_INT32)))
                .addNode(node("Identity", "Identity").addInput("reshaped").putAttr("T", type(DataType.DT_FLOAT)))
                .build();
        ObjectMapper json = new ObjectMapper();
        ObjectNode model = json.createObjectNode();
        model.put("format", format).put("generatedBy", "clipstream test").put("convertedBy", "clipstream test");
        model.set("modelTopology", json.readTree(JsonFormat.printer().print(graph)));
        ObjectNode signature = model.putObject("signature");
        signature.putObject("inputs").putObject("x").put("name", "input:0").put("dtype", "DT_FLOAT");
        signature.putObject("outputs").putObject("y").put("name", "Identity:0").put("dtype", "DT_FLOAT");
        ArrayNode manifest = model.putArray("weightsManifest");
        ObjectNode group = manifest.addObject();
        group.putArray("paths").add("group1-shard1of2.bin").add("group1-shard2of2.bin");
        ArrayNode weights = group.putArray("weights");
        ObjectNode filter = weights.addObject().put("name", "filter").put("dtype", "float32");
        filter.putArray("shape").add(2).add(2).add(1).add(2);
        filter.putObject("quantization").put("dtype", "float16");
        ObjectNode bias = weights.addObject().put("name", "bias").put("dtype", "float32");
        bias.putArray("shape").add(2);
        bias.putObject("quantization").put("dtype", "uint8").put("scale", BIAS_SCALE).put("min", BIAS_MIN);
        ObjectNode flat = weights.addObject().put("name", "flat").put("dtype", "int32");
        flat.putArray("shape").add(2);

        ByteBuffer bytes = ByteBuffer.allocate(FILTER.length * 2 + BIAS_QUANTISED.length + 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float f : FILTER) {
            bytes.putShort(floatToHalf(f));
        }
        for (int q : BIAS_QUANTISED) {
            bytes.put((byte) q);
        }
        bytes.putInt(1).putInt(18);
        byte[] all = bytes.array();
        Files.createDirectories(folder);
        Files.write(folder.resolve("group1-shard1of2.bin"), Arrays.copyOfRange(all, 0, 7));
        Files.write(folder.resolve("group1-shard2of2.bin"), Arrays.copyOfRange(all, 7, all.length));
        String name = "tiny";
        json.writeValue(folder.resolve(name + ".json").toFile(), model);
        return name;
    }

    /** The npm way: the folder's files under {@code package/models/} in a gzip-compressed tar. */
    static void tarball(Path folder, Path tgz) throws IOException {
        try (OutputStream out = Files.newOutputStream(tgz);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            for (Path file : Files.list(folder).sorted().toList()) {
                TarArchiveEntry entry = new TarArchiveEntry("package/models/" + file.getFileName());
                entry.setSize(Files.size(file));
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
        }
    }

    /** What the model computes for {@code input} (4×4, one channel), by hand: 3×3×2 values, row-major. */
    static float[] expected(float[] input) {
        float[] out = new float[18];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 2; c++) {
                    float sum = BIAS_QUANTISED[c] * BIAS_SCALE + BIAS_MIN;
                    for (int ky = 0; ky < 2; ky++) {
                        for (int kx = 0; kx < 2; kx++) {
                            sum += input[(y + ky) * 4 + x + kx] * FILTER[(ky * 2 + kx) * 2 + c];
                        }
                    }
                    out[(y * 3 + x) * 2 + c] = sum;
                }
            }
        }
        return out;
    }

    /** float32 to IEEE binary16, for values float16 holds exactly. */
    static short floatToHalf(float value) {
        int bits = Float.floatToIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
        int mantissa = (bits >>> 13) & 0x3ff;
        if (value == 0) {
            return (short) sign;
        }
        return (short) (sign | (exponent << 10) | mantissa);
    }

    private static NodeDef.Builder node(String name, String op) {
        return NodeDef.newBuilder().setName(name).setOp(op);
    }

    private static NodeDef.Builder constant(String name, DataType dtype, TensorShapeProto shape) {
        return node(name, "Const").putAttr("dtype", type(dtype)).putAttr("value", AttrValue.newBuilder()
                .setTensor(TensorProto.newBuilder().setDtype(dtype).setTensorShape(shape)).build());
    }

    private static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return shape.build();
    }

    private static AttrValue type(DataType dtype) {
        return AttrValue.newBuilder().setType(dtype).build();
    }
}

package clipstream.model.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Turns a TensorFlow.js graph model into a TensorFlow {@link GraphDef} with its weights in place:
 * <ul>
 *   <li>{@code modelTopology} is a GraphDef in protobuf's JSON mapping;</li>
 *   <li>the weights are the shards concatenated in manifest order, each entry a {@code Const} node of the graph,
 *       little-endian; float16-quantised entries are kept as half floats behind an in-graph {@code Cast} (half the
 *       size on disk; TensorFlow folds the cast once when it optimises the graph) or widened to float32, and
 *       uint8/uint16 affine-quantised entries are dequantised ({@code q × scale + min});</li>
 *   <li>two ops TF.js writes differently from TensorFlow 2.16 are mended: {@code FusedDepthwiseConv2dNative} is
 *       the internal {@code _FusedDepthwiseConv2dNative} (without the {@code explicit_paddings} the converter
 *       copies into it), and {@code _FusedConv2D} needs its {@code TArgs}
 *       attribute ({@code num_args} × {@code DT_FLOAT}).</li>
 * </ul>
 */
public final class TfjsGraphImporter {

    /** How float16-quantised weights are stored in the imported graph. */
    public enum HalfWeights {
        /** as half floats with an in-graph cast to float32 */
        KEEP,
        /** widened to float32 */
        WIDEN
    }

    /** The signature's tensors as model.json names them: {@code key → node:index}. */
    public record Endpoint(String key, String node, int index, DataType dtype, List<Long> shape) {
    }

    /** The imported graph and the endpoints of its (single) signature. */
    public record ImportedGraph(GraphDef graph, List<Endpoint> inputs, List<Endpoint> outputs, int weights,
                                long weightBytes, long parameters) {
    }

    private TfjsGraphImporter() {
    }

    public static ImportedGraph importGraph(TfjsModelFiles files, HalfWeights half) {
        String where = files.origin() + " (" + files.model() + ")";
        if (!"graph-model".equals(files.format().orElse(null))) {
            throw new IllegalArgumentException(where + " is a TF.js '" + files.format().orElse("unknown")
                    + "' model; only graph models (format graph-model) import");
        }
        GraphDef.Builder graph = GraphDef.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(files.modelJson().path("modelTopology").toString(), graph);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(where + ": modelTopology is not a GraphDef: " + e.getMessage(), e);
        }
        Map<String, Integer> nodeIndex = new HashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            nodeIndex.put(graph.getNode(i).getName(), i);
        }
        ByteBuffer weights = concatenate(files.shards());
        int count = 0;
        long parameters = 0;
        List<NodeDef> casts = new ArrayList<>();
        for (JsonNode group : files.modelJson().path("weightsManifest")) {
            for (JsonNode entry : group.path("weights")) {
                String name = entry.path("name").asText();
                Integer index = nodeIndex.get(name);
                if (index == null) {
                    throw new IllegalArgumentException(where + ": weight '" + name + "' has no Const node in the graph");
                }
                TensorShapeProto shape = shape(entry.path("shape"), where + ": weight " + name);
                long elements = elements(shape);
                Weight weight = decode(entry, elements, weights, where + ": weight " + name, half);
                NodeDef.Builder node = graph.getNodeBuilder(index);
                if (!node.getOp().equals("Const")) {
                    throw new IllegalArgumentException(where + ": weight '" + name + "' names a " + node.getOp()
                            + " node, not a Const");
                }
                TensorProto tensor = TensorProto.newBuilder().setDtype(weight.dtype).setTensorShape(shape)
                        .setTensorContent(ByteString.copyFrom(weight.bytes)).build();
                if (weight.dtype == DataType.DT_HALF) {
                    // the half-float constant under another name, and a Cast that takes the original name, so every
                    // consumer of the weight still finds it
                    String halfName = name + "/float16";
                    node.setName(halfName).putAttr("dtype", type(DataType.DT_HALF))
                            .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build());
                    casts.add(NodeDef.newBuilder().setName(name).setOp("Cast").addInput(halfName)
                            .setDevice(node.getDevice())
                            .putAttr("SrcT", type(DataType.DT_HALF)).putAttr("DstT", type(DataType.DT_FLOAT))
                            .putAttr("Truncate", AttrValue.newBuilder().setB(false).build()).build());
                } else {
                    node.putAttr("dtype", type(weight.dtype))
                            .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build());
                }
                count++;
                if (entry.path("dtype").asText().equals("float32")) {
                    parameters += elements;
                }
            }
        }
        if (weights.hasRemaining()) {
            throw new IllegalArgumentException(where + ": the weight files hold " + weights.remaining()
                    + " bytes more than the manifest describes");
        }
        casts.forEach(graph::addNode);
        mendOps(graph);
        JsonNode signature = files.modelJson().path("signature");
        return new ImportedGraph(graph.build(), endpoints(signature.path("inputs"), where),
                endpoints(signature.path("outputs"), where), count, weights.capacity(), parameters);
    }

    /** The op renames and attributes TensorFlow 2.16 needs for graphs written by the TF.js converter. */
    static void mendOps(GraphDef.Builder graph) {
        for (NodeDef.Builder node : graph.getNodeBuilderList()) {
            if (node.getOp().equals("FusedDepthwiseConv2dNative")) {
                // the converter copies DepthwiseConv2dNative's explicit_paddings, which the fused op does not have
                node.setOp("_FusedDepthwiseConv2dNative").removeAttr("explicit_paddings");
            }
            if (node.getOp().equals("_FusedConv2D") && !node.containsAttr("TArgs")) {
                int args = (int) node.getAttrOrDefault("num_args", AttrValue.getDefaultInstance()).getI();
                AttrValue.ListValue.Builder types = AttrValue.ListValue.newBuilder();
                for (int i = 0; i < args; i++) {
                    types.addType(DataType.DT_FLOAT);
                }
                node.putAttr("TArgs", AttrValue.newBuilder().setList(types).build());
            }
        }
    }

    private record Weight(DataType dtype, byte[] bytes) {
    }

    private static Weight decode(JsonNode entry, long elements, ByteBuffer weights, String what, HalfWeights half) {
        String dtype = entry.path("dtype").asText();
        JsonNode quantization = entry.path("quantization");
        String stored = quantization.isMissingNode() ? dtype : quantization.path("dtype").asText();
        int width = switch (stored) {
            case "float32", "int32" -> 4;
            case "float16", "uint16", "int16" -> 2;
            case "uint8", "int8", "bool" -> 1;
            default -> throw new IllegalArgumentException(what + ": stored type '" + stored + "' is not supported");
        };
        if (elements * width > weights.remaining()) {
            throw new IllegalArgumentException(what + " needs " + elements * width + " bytes, the weight files have "
                    + weights.remaining() + " left: truncated or not this model's weights");
        }
        byte[] raw = new byte[(int) (elements * width)];
        weights.get(raw);
        if (quantization.isMissingNode()) {
            return switch (dtype) {
                case "float32" -> new Weight(DataType.DT_FLOAT, raw);
                case "int32" -> new Weight(DataType.DT_INT32, raw);
                case "bool" -> new Weight(DataType.DT_BOOL, raw);
                default -> throw new IllegalArgumentException(what + ": type '" + dtype + "' is not supported");
            };
        }
        if (!dtype.equals("float32")) {
            throw new IllegalArgumentException(what + ": quantised " + dtype + " weights are not supported");
        }
        if (stored.equals("float16")) {
            return half == HalfWeights.KEEP ? new Weight(DataType.DT_HALF, raw)
                    : new Weight(DataType.DT_FLOAT, widen(raw));
        }
        if (stored.equals("uint8") || stored.equals("uint16")) {
            return new Weight(DataType.DT_FLOAT, dequantize(raw, width, quantization, what));
        }
        throw new IllegalArgumentException(what + ": quantisation '" + stored + "' is not supported");
    }

    /** float16 bits to float32, little-endian in and out. */
    static byte[] widen(byte[] halves) {
        ByteBuffer in = ByteBuffer.wrap(halves).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(halves.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            out.putFloat(halfToFloat(in.getShort()));
        }
        return out.array();
    }

    /** IEEE 754 binary16 to binary32 (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int sign = (bits >> 15) & 0x1;
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f; // subnormal
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (mantissa << 13));
        }
        return sign == 0 ? magnitude : -magnitude;
    }

    private static byte[] dequantize(byte[] raw, int width, JsonNode quantization, String what) {
        if (!quantization.path("scale").isNumber() || !quantization.path("min").isNumber()) {
            throw new IllegalArgumentException(what + ": affine quantisation without scale and min");
        }
        float scale = (float) quantization.path("scale").asDouble();
        float min = (float) quantization.path("min").asDouble();
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(raw.length / width * 4).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int q = width == 1 ? Byte.toUnsignedInt(in.get()) : Short.toUnsignedInt(in.getShort());
            out.putFloat(q * scale + min);
        }
        return out.array();
    }

    private static ByteBuffer concatenate(List<byte[]> shards) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        shards.forEach(all::writeBytes);
        return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static TensorShapeProto shape(JsonNode dims, String what) {
        if (!dims.isArray()) {
            throw new IllegalArgumentException(what + " has no shape");
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (JsonNode dim : dims) {
            if (!dim.canConvertToLong() || dim.asLong() < 0) {
                throw new IllegalArgumentException(what + " has a dimension '" + dim + "'");
            }
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dim.asLong()));
        }
        return shape.build();
    }

    private static long elements(TensorShapeProto shape) {
        long elements = 1;
        for (TensorShapeProto.Dim dim : shape.getDimList()) {
            elements = Math.multiplyExact(elements, dim.getSize());
        }
        if (elements > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("a weight of " + elements + " elements is larger than any TF.js shard");
        }
        return elements;
    }

    private static List<Endpoint> endpoints(JsonNode tensors, String where) {
        if (!tensors.isObject() || tensors.isEmpty()) {
            throw new IllegalArgumentException(where + ": model.json has no signature inputs/outputs");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        tensors.fields().forEachRemaining(field -> {
            String name = field.getValue().path("name").asText(field.getKey());
            int colon = name.lastIndexOf(':');
            String node = colon < 0 ? name : name.substring(0, colon);
            int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
            DataType dtype = DataType.valueOf(field.getValue().path("dtype").asText("DT_FLOAT"));
            List<Long> shape = new ArrayList<>();
            for (JsonNode dim : field.getValue().path("tensorShape").path("dim")) {
                shape.add(dim.path("size").asLong(-1));
            }
            endpoints.add(new Endpoint(field.getKey(), node, index, dtype, List.copyOf(shape)));
        });
        return List.copyOf(endpoints);
    }

    private static AttrValue type(DataType dtype) {
        return AttrValue.newBuilder().setType(dtype).build();
    }
}

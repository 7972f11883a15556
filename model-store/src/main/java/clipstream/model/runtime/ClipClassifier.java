package clipstream.model.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;

/**
 * Serves one stored model through DJL's TensorFlow engine: {@link #classify} takes clips as raw RGB bytes
 * (frames × height × width × 3, frame-major, the model's input size), or for a pose-based action model keypoint
 * clips as little-endian float32 bytes (frames × keypoints × (x, y, score)), and returns the top-k labels of each.
 *
 * <p>Thread-safe: each calling thread gets its own predictor and its own direct input buffer, reused
 * across calls (predictors are not thread-safe). Loading verifies every file's checksum first.
 */
public final class ClipClassifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClipClassifier.class);

    private final ModelManifest manifest;
    private final ZooModel<ClipBatchTranslator.Batch, float[]> model;
    private final Device device;
    private final ThreadLocal<Worker> workers;
    private final ConcurrentLinkedQueue<Worker> allWorkers = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private ClipClassifier(ModelManifest manifest, ZooModel<ClipBatchTranslator.Batch, float[]> model, Device device) {
        this.manifest = manifest;
        this.model = model;
        this.device = device;
        this.workers = ThreadLocal.withInitial(() -> {
            Worker worker = new Worker(model.newPredictor(device));
            allWorkers.add(worker);
            return worker;
        });
    }

    /** Loads and verifies a model from the store; fails with a message naming what is wrong. */
    public static ClipClassifier open(ClassifierOptions options) {
        Engine engine = TensorFlowNatives.engine();
        Device device = DeviceSpec.parse(options.device()).resolve(engine);
        ModelStore store = new ModelStore(options.storeRoot());
        ModelStore.StoredModel stored = store.load(options.modelName(), options.version());
        ModelManifest manifest = stored.manifest();
        if (manifest.isPose()) {
            throw new ModelStoreException(manifest.name() + " version " + manifest.version()
                    + " is a pose model; the clip classifier serves action models (kind " + ModelManifest.KIND_ACTION
                    + ")");
        }
        ConfigProto config = sessionConfig(options);
        Criteria<ClipBatchTranslator.Batch, float[]> criteria = Criteria.builder()
                .setTypes(ClipBatchTranslator.Batch.class, float[].class)
                .optModelPath(stored.directory())
                .optEngine("TensorFlow")
                .optDevice(device)
                .optTranslator(new ClipBatchTranslator(manifest))
                .optOption("Tags", "serve")
                .optOption("SignatureDefKey", manifest.signature().key())
                .optOption("ConfigProto", Base64.getEncoder().encodeToString(config.toByteArray()))
                .build();
        try {
            ZooModel<ClipBatchTranslator.Batch, float[]> model = criteria.loadModel();
            LOG.info("Serving {} version {} ({}, input {}) on {} in {}", manifest.name(), manifest.version(),
                    manifest.architecture(), manifest.input().shape(), device, options.precision().label());
            Precision.warnIfEmulated(options.precision(), manifest.name(), LOG);
            return new ClipClassifier(manifest, model, device);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelStoreException("Cannot load " + manifest.name() + " version " + manifest.version() + " from "
                    + stored.directory() + ": " + e.getMessage(), e);
        }
    }

    /** TensorFlow's session settings for {@code options}: thread pools, spinning, strict device placement. */
    static ConfigProto sessionConfig(ClassifierOptions options) {
        return options.sessionConfig();
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public Device device() {
        return device;
    }

    /**
     * Bytes one clip must have: frames × height × width × channels of the model's input (times 4 for a keypoint
     * model: its clips are little-endian float32, see {@code KeypointClips.toBytes}).
     */
    public int clipBytes() {
        return manifest.input().clipBytes();
    }

    /**
     * Classifies a batch of clips. Each clip is {@link #clipBytes()} uint8 RGB values laid out
     * [frame][row][column][channel]; a clip of another size is rejected before anything runs.
     */
    public List<ClipPrediction> classify(List<byte[]> clips, int topK) {
        if (closed) {
            throw new IllegalStateException("ClipClassifier for " + manifest.name() + " is closed");
        }
        if (clips.isEmpty()) {
            return List.of();
        }
        int clipBytes = clipBytes();
        for (int i = 0; i < clips.size(); i++) {
            if (clips.get(i).length != clipBytes && manifest.input().isKeypoints()) {
                throw new IllegalArgumentException(String.format(
                        "Clip %d has %d bytes but %s version %s takes keypoint clips of %d frames x %d keypoints x"
                                + " (x, y, score) as little-endian float32 = %d bytes",
                        i, clips.get(i).length, manifest.name(), manifest.version(), manifest.frames(),
                        manifest.width(), clipBytes));
            }
            if (clips.get(i).length != clipBytes) {
                throw new IllegalArgumentException(String.format(
                        "Clip %d has %d bytes but %s version %s takes %s clips (frames x height x width x channels"
                                + " = %d bytes of RGB24); resize frames to %dx%d and use %d frames per clip",
                        i, clips.get(i).length, manifest.name(), manifest.version(), manifest.input().shape(),
                        clipBytes, manifest.width(), manifest.height(), manifest.frames()));
            }
        }
        Worker worker = workers.get();
        ByteBuffer pixels = worker.buffer(clips.size() * clipBytes);
        for (byte[] clip : clips) {
            pixels.put(clip);
        }
        pixels.flip();
        float[] probabilities;
        try {
            probabilities = worker.predictor.predict(new ClipBatchTranslator.Batch(pixels, clips.size()));
        } catch (TranslateException e) {
            throw new IllegalStateException("Inference failed for " + manifest.name() + ": " + e.getMessage(), e);
        }
        return topK(probabilities, clips.size(), Math.max(1, Math.min(topK, manifest.labels().size())));
    }

    private List<ClipPrediction> topK(float[] probabilities, int count, int k) {
        List<String> labels = manifest.labels();
        int classes = labels.size();
        if (probabilities.length != count * classes) {
            throw new IllegalStateException("Model returned " + probabilities.length + " values for " + count
                    + " clips of " + classes + " labels: the manifest's labels do not match the model");
        }
        List<ClipPrediction> predictions = new ArrayList<>(count);
        int[] order = new int[k];
        for (int clip = 0; clip < count; clip++) {
            int offset = clip * classes;
            int ranked = bestFirst(probabilities, offset, classes, order);
            List<ScoredLabel> best = new ArrayList<>(ranked);
            for (int i = 0; i < ranked; i++) {
                best.add(new ScoredLabel(labels.get(order[i]), probabilities[offset + order[i]]));
            }
            predictions.add(new ClipPrediction(best));
        }
        return predictions;
    }

    /**
     * Fills {@code order} with the classes of the highest scores among {@code scores[offset, offset + classes)},
     * best first, the lower class first among equal scores; returns how many it filled. A partial insertion sort:
     * k is a handful, so this is cheaper than sorting every class (and than the JIT compiling a boxed sort).
     * Public so that the bench module's top-k micro-benchmark measures this very code.
     */
    public static int bestFirst(float[] scores, int offset, int classes, int[] order) {
        int filled = 0;
        for (int c = 0; c < classes; c++) {
            float score = scores[offset + c];
            if (filled == order.length && Float.compare(score, scores[offset + order[filled - 1]]) <= 0) {
                continue;
            }
            int at = Math.min(filled, order.length - 1);
            while (at > 0 && Float.compare(score, scores[offset + order[at - 1]]) > 0) {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = c;
            filled = Math.min(filled + 1, order.length);
        }
        return filled;
    }

    @Override
    public void close() {
        closed = true;
        Worker worker;
        while ((worker = allWorkers.poll()) != null) {
            worker.predictor.close();
        }
        model.close();
    }

    /** One thread's predictor and input buffer. */
    private static final class Worker {
        private final Predictor<ClipBatchTranslator.Batch, float[]> predictor;
        private ByteBuffer buffer;

        Worker(Predictor<ClipBatchTranslator.Batch, float[]> predictor) {
            this.predictor = predictor;
        }

        ByteBuffer buffer(int bytes) {
            if (buffer == null || buffer.capacity() < bytes) {
                buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            buffer.clear();
            return buffer;
        }
    }
}

package clipstream.model.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
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
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.ModelStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a stream model's stream mode through DJL's TensorFlow engine: each call takes, per camera, a chunk of new
 * frames and the camera's state from its last call, and gives the top-k labels of the clip that ends with the chunk's
 * last frame and the camera's next state. Every frame goes through the network once however much clips overlap.
 *
 * <p>A camera's state is one float array ({@link #stateFloats()} values): the manifest's state tensors one after the
 * other, in its order. {@link #initialState()} (zeros) starts a stream; a state is only meaningful with the model
 * version that produced it. Thread-safe as {@link ClipClassifier} is: a predictor and buffers per calling thread.
 */
public final class StreamClassifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamClassifier.class);

    private final ModelManifest manifest;
    private final ModelManifest.StreamSpec stream;
    private final ZooModel<Batch, Outputs> model;
    private final ThreadLocal<Predictor<Batch, Outputs>> predictors;
    private final ConcurrentLinkedQueue<Predictor<Batch, Outputs>> allPredictors = new ConcurrentLinkedQueue<>();
    private final int stateFloats;
    private volatile boolean closed;

    /** One camera's chunk of frames (S × height × width × 3 RGB bytes, S a multiple of the chunk multiple) and state. */
    public record Chunk(byte[] frames, float[] state) {
    }

    /** The clip's labels and the camera's next state. */
    public record Step(ClipPrediction prediction, float[] nextState) {
    }

    private StreamClassifier(ModelManifest manifest, ZooModel<Batch, Outputs> model, Device device) {
        this.manifest = manifest;
        this.stream = manifest.stream();
        this.model = model;
        this.stateFloats = Math.toIntExact(stream.stateFloats());
        this.predictors = ThreadLocal.withInitial(() -> {
            Predictor<Batch, Outputs> predictor = model.newPredictor(device);
            allPredictors.add(predictor);
            return predictor;
        });
    }

    /** Loads and verifies a stream model from the store; fails with a message naming what is wrong. */
    public static StreamClassifier open(ClassifierOptions options) {
        Engine engine = TensorFlowNatives.engine();
        Device device = DeviceSpec.parse(options.device()).resolve(engine);
        ModelStore.StoredModel stored = new ModelStore(options.storeRoot()).load(options.modelName(), options.version());
        ModelManifest manifest = stored.manifest();
        if (!manifest.isStream()) {
            throw new ModelStoreException(manifest.name() + " version " + manifest.version() + " ("
                    + manifest.architecture() + ") has no stream mode; serve it clip by clip");
        }
        Criteria<Batch, Outputs> criteria = Criteria.builder()
                .setTypes(Batch.class, Outputs.class)
                .optModelPath(stored.directory())
                .optEngine("TensorFlow")
                .optDevice(device)
                .optTranslator(new StreamTranslator(manifest))
                .optOption("Tags", "serve")
                .optOption("SignatureDefKey", manifest.stream().key())
                .optOption("ConfigProto", Base64.getEncoder().encodeToString(options.sessionConfig().toByteArray()))
                .build();
        try {
            ZooModel<Batch, Outputs> model = criteria.loadModel();
            LOG.info("Serving {} version {} as a stream (chunks of {}k frames, {} state floats per camera) on {} in {}",
                    manifest.name(), manifest.version(), manifest.stream().chunkMultiple(),
                    manifest.stream().stateFloats(), device, options.precision().label());
            Precision.warnIfEmulated(options.precision(), manifest.name(), LOG);
            return new StreamClassifier(manifest, model, device);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelStoreException("Cannot load the stream mode of " + manifest.name() + " version "
                    + manifest.version() + " from " + stored.directory() + ": " + e.getMessage(), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** Frames a chunk must hold a multiple of. */
    public int chunkMultiple() {
        return stream.chunkMultiple();
    }

    /** Bytes of one frame: height × width × channels. */
    public int frameBytes() {
        return manifest.height() * manifest.width() * manifest.channels();
    }

    /** Floats of one camera's state. */
    public int stateFloats() {
        return stateFloats;
    }

    /** The state that starts a stream: zeros, what the clip mode's padding before the first frame holds. */
    public float[] initialState() {
        return new float[stateFloats];
    }

    /**
     * Runs one chunk per camera, all of the same length, in one batch. A camera must not appear twice in one call:
     * its second chunk needs the state the first one returns.
     *
     * @throws IllegalArgumentException when a chunk's length or a state's size is wrong (nothing runs)
     */
    public List<Step> step(List<Chunk> chunks, int topK) {
        if (closed) {
            throw new IllegalStateException("StreamClassifier for " + manifest.name() + " is closed");
        }
        if (chunks.isEmpty()) {
            return List.of();
        }
        int frameBytes = frameBytes();
        int chunkBytes = chunks.get(0).frames().length;
        int frames = chunkBytes / frameBytes;
        if (chunkBytes % frameBytes != 0 || frames < 1 || frames % chunkMultiple() != 0
                || frames > manifest.frames()) {
            throw new IllegalArgumentException(String.format("A chunk of %d bytes is not a whole number of %dx%dx%d"
                    + " frames that is a multiple of %d and at most the clip's %d frames", chunkBytes, manifest.width(),
                    manifest.height(), manifest.channels(), chunkMultiple(), manifest.frames()));
        }
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).frames().length != chunkBytes) {
                throw new IllegalArgumentException("Chunk " + i + " has " + chunks.get(i).frames().length
                        + " bytes, the first " + chunkBytes + ": one call runs chunks of one length");
            }
            if (chunks.get(i).state().length != stateFloats) {
                throw new IllegalArgumentException("Chunk " + i + "'s state has " + chunks.get(i).state().length
                        + " floats; " + manifest.name() + " version " + manifest.version() + " keeps " + stateFloats);
            }
        }
        Outputs outputs;
        try {
            outputs = predictors.get().predict(new Batch(chunks, frames));
        } catch (TranslateException e) {
            throw new IllegalStateException("Stream inference failed for " + manifest.name() + ": " + e.getMessage(), e);
        }
        int classes = manifest.labels().size();
        int k = Math.max(1, Math.min(topK, classes));
        List<Step> steps = new ArrayList<>(chunks.size());
        int[] order = new int[k];
        for (int c = 0; c < chunks.size(); c++) {
            int ranked = ClipClassifier.bestFirst(outputs.probabilities, c * classes, classes, order);
            List<ScoredLabel> best = new ArrayList<>(ranked);
            for (int i = 0; i < ranked; i++) {
                best.add(new ScoredLabel(manifest.labels().get(order[i]), outputs.probabilities[c * classes + order[i]]));
            }
            steps.add(new Step(new ClipPrediction(best), outputs.states[c]));
        }
        return steps;
    }

    @Override
    public void close() {
        closed = true;
        Predictor<Batch, Outputs> predictor;
        while ((predictor = allPredictors.poll()) != null) {
            predictor.close();
        }
        model.close();
    }

    record Batch(List<Chunk> chunks, int frames) {
    }

    record Outputs(float[] probabilities, float[][] states) {
    }

    /**
     * Packs the chunks and each state tensor into the stream signature's named inputs, and splits the probabilities
     * and next states back per camera. Everything native belongs to the call's manager.
     */
    private static final class StreamTranslator implements NoBatchifyTranslator<Batch, Outputs> {
        private final ModelManifest manifest;

        StreamTranslator(ModelManifest manifest) {
            this.manifest = manifest;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, Batch batch) {
            int n = batch.chunks().size();
            ModelManifest.Input in = manifest.input();
            ByteBuffer pixels = ByteBuffer.allocateDirect(n * batch.chunks().get(0).frames().length);
            for (Chunk chunk : batch.chunks()) {
                pixels.put(chunk.frames());
            }
            pixels.flip();
            NDList list = new NDList();
            NDArray chunk = ctx.getNDManager().create(pixels,
                    new Shape(n, batch.frames(), in.height(), in.width(), in.channels()), DataType.UINT8);
            chunk.setName(manifest.stream().input());
            list.add(chunk);
            int offset = 0;
            for (ModelManifest.StateSpec spec : manifest.stream().states()) {
                int size = Math.toIntExact(spec.size());
                ByteBuffer bytes = ByteBuffer.allocateDirect(n * size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                FloatBuffer floats = bytes.asFloatBuffer();
                for (Chunk c : batch.chunks()) {
                    floats.put(c.state(), offset, size);
                }
                long[] shape = new long[spec.shape().length + 1];
                shape[0] = n;
                System.arraycopy(spec.shape(), 0, shape, 1, spec.shape().length);
                NDArray state = ctx.getNDManager().create(bytes, new Shape(shape), DataType.FLOAT32);
                state.setName(spec.input());
                list.add(state);
                offset += size;
            }
            return list;
        }

        @Override
        public Outputs processOutput(TranslatorContext ctx, NDList list) {
            float[] probabilities = list.get(manifest.stream().output()).toFloatArray();
            int classes = manifest.labels().size();
            int n = probabilities.length / classes;
            float[][] states = new float[n][Math.toIntExact(manifest.stream().stateFloats())];
            int offset = 0;
            for (ModelManifest.StateSpec spec : manifest.stream().states()) {
                int size = Math.toIntExact(spec.size());
                float[] values = list.get(spec.output()).toFloatArray();
                if (values.length != n * size) {
                    throw new IllegalStateException("State " + spec.output() + " came back with " + values.length
                            + " values for " + n + " cameras of " + size);
                }
                for (int c = 0; c < n; c++) {
                    System.arraycopy(values, c * size, states[c], offset, size);
                }
                offset += size;
            }
            return new Outputs(probabilities, states);
        }
    }
}

package clipstream.model.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import clipstream.model.data.ClipDataset;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.eval.Evaluation;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.runtime.StreamClassifier;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.store.Normalization;
import clipstream.model.train.TrainingRun;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.WeightInit;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The stream mode of {@code c3d-small-stream} against its clip mode, on the same weights: chunk after chunk from zero
 * states, the probabilities after a whole clip are the clip mode's on that clip, and later ones are the clip mode's on
 * the clip with every frame before it as context (a longer input whose window pool averages only the last clip). Any
 * chunk length that is a multiple of 8 gives the same answer. Then the same through the stored SavedModel's two
 * signatures served by DJL ({@link StreamClassifier}, {@link ClipClassifier}).
 */
class StreamModeTest {
    private static final InputShape INPUT = new InputShape(32, 16, 16, 3);
    private static final int CLASSES = 4;
    private static final Normalization NORMALIZATION = new Normalization(new float[] {100, 110, 120},
            new float[] {50, 60, 70});
    private static final float TOLERANCE = 2e-5f;

    private static NetworkPlan plan;
    private static Map<String, float[]> weights;
    private static byte[] video;

    @BeforeAll
    static void weightsAndVideo() {
        TensorFlowNatives.engine();
        plan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL_STREAM, INPUT, CLASSES));
        weights = new LinkedHashMap<>(WeightInit.initial(plan, 11));
        Random random = new Random(5);
        // batch statistics away from 0 and 1, so that a state fed where a zero was padded (or the reverse) shows
        weights.replaceAll((name, values) -> {
            float[] changed = values.clone();
            if (name.endsWith("/moving_mean") || name.endsWith("/beta")) {
                for (int i = 0; i < changed.length; i++) {
                    changed[i] = (float) random.nextGaussian() * 0.3f;
                }
            } else if (name.endsWith("/moving_variance")) {
                for (int i = 0; i < changed.length; i++) {
                    changed[i] = 0.5f + random.nextFloat();
                }
            }
            return changed;
        });
        video = new byte[96 * frameBytes()];
        random.nextBytes(video);
    }

    private static int frameBytes() {
        return INPUT.height() * INPUT.width() * INPUT.channels();
    }

    @Test
    void theStreamIsStreamableAndSaysWhatItCarries() {
        assertThat(plan.streamable()).isTrue();
        assertThat(plan.streamChunkMultiple()).isEqualTo(8);
        assertThat(plan.streamStates()).extracting(NetworkPlan.StreamState::layer)
                .containsExactly("conv1", "conv2", "conv3", "conv4", "global_pool");
        // conv1 sees the frames at full size, conv2 after the spatial pool, conv3 and conv4 after the temporal ones
        assertThat(plan.streamStates().get(0).shape()).containsExactly(2, 16, 16, 3);
        assertThat(plan.streamStates().get(1).shape()).containsExactly(2, 8, 8, 16);
        assertThat(plan.streamStates().get(3).shape()).containsExactly(2, 2, 2, 64);
        assertThat(plan.streamStates().get(4).shape()).containsExactly(4, 64);
        assertThat(NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, INPUT, CLASSES)).streamProblem())
                .contains("conv1");
        assertThatThrownBy(() -> NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL, INPUT, CLASSES))
                .streamStates()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot stream");
    }

    @Test
    void chunkAfterChunkTheStreamIsTheClipModeWithEveryFrameBeforeAsContext() {
        try (Graph graph = new Graph(); Graph longGraph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, NORMALIZATION);
            Operand<TFloat32> clipMode = network.probabilities();
            NetworkGraph.StreamStep stream = network.stream();
            // the same layers over 64 frames, the window still the last 32: the clip with 32 frames of context
            NetworkPlan longPlan = NetworkPlan.of(plan.architecture().withInput(new InputShape(64, INPUT.height(), INPUT.width(),
                    INPUT.channels())));
            NetworkGraph longNetwork = NetworkGraph.build(longGraph, longPlan, NORMALIZATION);
            Operand<TFloat32> longClipMode = longNetwork.probabilities();
            try (Session session = new Session(graph); Session longSession = new Session(longGraph)) {
                network.assign(session, weights);
                longNetwork.assign(longSession, weights);

                for (int chunk : new int[] {8, 16, 32}) {
                    float[][] state = zeroStates();
                    List<float[]> outputs = new ArrayList<>();
                    for (int end = chunk; end <= 64; end += chunk) {
                        outputs.add(step(session, stream, frames(end - chunk, end), state));
                    }
                    float[] afterOneClip = outputs.get(32 / chunk - 1);
                    float[] afterTwoClips = outputs.get(64 / chunk - 1);
                    assertClose(afterOneClip, run(session, network.input(), clipMode, frames(0, 32), 32),
                            "chunks of " + chunk + ": the first clip from zero states is the clip mode's");
                    assertClose(afterTwoClips, run(longSession, longNetwork.input(), longClipMode, frames(0, 64), 64),
                            "chunks of " + chunk + ": the clip of frames 32-63 with frames 0-31 as its context");
                    // and not the clip mode on frames 32-63 alone: the context matters, so the test can fail
                    float[] alone = run(session, network.input(), clipMode, frames(32, 64), 32);
                    assertThat(maxDifference(afterTwoClips, alone)).as("context changes the answer").isGreaterThan(1e-4f);
                }
            }
        }
    }

    @Test
    void theStoredModelServesBothModesThroughDjl(@TempDir Path store) {
        ModelStore models = new ModelStore(store);
        Evaluation evaluation = Evaluation.of(List.of("a", "b", "c", "d"), new int[] {0, 1, 2, 3}, new int[] {0, 1, 2, 3});
        ModelManifest manifest = new TrainingRun(models, new TrainingOptions(1, 4, 1e-3, 1, 0, 1), null)
                .publish("stream-test", plan, NORMALIZATION, weights, evaluation, List.of(),
                        JsonNodeFactory.instance.objectNode(), 4, 4).manifest();
        assertThat(manifest.isStream()).isTrue();
        assertThat(manifest.stream().chunkMultiple()).isEqualTo(8);
        assertThat(manifest.stream().stateFloats()).isEqualTo(
                plan.streamStates().stream().mapToLong(NetworkPlan.StreamState::size).sum());

        ClassifierOptions options = new ClassifierOptions(store, "stream-test", manifest.version(), "cpu", 1, 1);
        try (StreamClassifier stream = StreamClassifier.open(options); ClipClassifier clips = ClipClassifier.open(options)) {
            // two cameras in one batch, one of them a chunk ahead: each keeps its own state
            float[] a = stream.initialState();
            float[] b = stream.initialState();
            List<StreamClassifier.Step> first = stream.step(List.of(
                    new StreamClassifier.Chunk(frames(0, 16), a), new StreamClassifier.Chunk(frames(16, 32), b)), 4);
            a = first.get(0).nextState();
            b = first.get(1).nextState();
            List<StreamClassifier.Step> second = stream.step(List.of(
                    new StreamClassifier.Chunk(frames(16, 32), a), new StreamClassifier.Chunk(frames(32, 48), b)), 4);
            ClipPrediction camera1 = second.get(0).prediction();
            ClipPrediction clip = clips.classify(List.of(frames(0, 32)), 4).get(0);
            assertThat(camera1.topK().stream().map(l -> l.label()).toList())
                    .isEqualTo(clip.topK().stream().map(l -> l.label()).toList());
            for (int i = 0; i < 4; i++) {
                assertThat((double) camera1.topK().get(i).score()).as("stream vs clip mode, label %d", i)
                        .isCloseTo(clip.topK().get(i).score(), within((double) TOLERANCE));
            }
            // camera 2 ran frames 16-47 from zero states: the clip mode on frames 16-47
            ClipPrediction camera2 = second.get(1).prediction();
            ClipPrediction clip2 = clips.classify(List.of(frames(16, 48)), 4).get(0);
            assertThat((double) camera2.topK().get(0).score())
                    .isCloseTo(clip2.topK().get(0).score(), within((double) TOLERANCE));

            assertThatThrownBy(() -> stream.step(List.of(new StreamClassifier.Chunk(frames(0, 12),
                    stream.initialState())), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiple of 8");
            assertThatThrownBy(() -> stream.step(List.of(new StreamClassifier.Chunk(frames(0, 8), new float[3])), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
        }
    }

    /**
     * Training on clips with frames before them ({@code model train --context}): the trained network takes the longer
     * input (gradients through the window's slice), the stored one the clip, with its stream mode.
     */
    @Test
    void aModelTrainedWithContextIsStoredForTheClip(@TempDir Path store) {
        ClipDataset data = MotionActionsDataset.generateWithContext(2, 8, 32, 16, 16, 3);
        ClipDataset.Split split = data.split(0.25, 3);
        NetworkPlan clipPlan = NetworkPlan.of(ModelZoo.architecture(ModelZoo.C3D_SMALL_STREAM, INPUT, 10));
        NetworkPlan trainPlan = NetworkPlan.of(clipPlan.architecture().withInput(new InputShape(40, 16, 16, 3)));

        ModelManifest manifest = new TrainingRun(new ModelStore(store), new TrainingOptions(1, 4, 1e-3, 1, 0, 1),
                clipstream.model.train.TrainingListener.SILENT).run("context-test", trainPlan, clipPlan, split.train(), split.test(),
                        JsonNodeFactory.instance.objectNode())
                .model().manifest();

        assertThat(manifest.frames()).isEqualTo(32);
        assertThat(manifest.isStream()).isTrue();
        try (StreamClassifier stream = StreamClassifier.open(new ClassifierOptions(store, "context-test",
                manifest.version(), "cpu", 1, 1))) {
            assertThat(stream.step(List.of(new StreamClassifier.Chunk(frames(0, 16), stream.initialState())), 1))
                    .hasSize(1);
        }
    }

    private static float[][] zeroStates() {
        return plan.streamStates().stream().map(s -> new float[s.size()]).toArray(float[][]::new);
    }

    private static byte[] frames(int from, int to) {
        return Arrays.copyOfRange(video, from * frameBytes(), to * frameBytes());
    }

    /** One stream call for one camera: updates {@code state} in place and returns the probabilities. */
    private static float[] step(Session session, NetworkGraph.StreamStep stream, byte[] chunk, float[][] state) {
        List<NetworkPlan.StreamState> specs = stream.specs();
        List<TFloat32> tensors = new ArrayList<>();
        try (TUint8 pixels = pixels(chunk, chunk.length / frameBytes())) {
            Session.Runner runner = session.runner().feed(stream.chunk(), pixels).fetch(stream.probabilities());
            for (int i = 0; i < specs.size(); i++) {
                long[] shape = new long[specs.get(i).shape().length + 1];
                shape[0] = 1;
                System.arraycopy(specs.get(i).shape(), 0, shape, 1, shape.length - 1);
                float[] values = state[i];
                TFloat32 tensor = TFloat32.tensorOf(Shape.of(shape), t -> t.asRawTensor().data().asFloats().write(values));
                tensors.add(tensor);
                runner.feed(stream.states().get(specs.get(i).layer()), tensor)
                        .fetch(stream.nextStates().get(specs.get(i).layer()));
            }
            try (Result result = runner.run()) {
                for (int i = 0; i < specs.size(); i++) {
                    ((TFloat32) result.get(i + 1)).asRawTensor().data().asFloats().read(state[i]);
                }
                return floats((TFloat32) result.get(0));
            }
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    private static float[] run(Session session, Operand<?> input, Operand<TFloat32> output, byte[] clip, int frames) {
        try (TUint8 pixels = pixels(clip, frames);
             Result result = session.runner().feed(input, pixels).fetch(output).run()) {
            return floats((TFloat32) result.get(0));
        }
    }

    private static TUint8 pixels(byte[] bytes, int frames) {
        return TUint8.tensorOf(Shape.of(1, frames, INPUT.height(), INPUT.width(), INPUT.channels()),
                t -> t.asRawTensor().data().write(bytes));
    }

    private static float[] floats(TFloat32 tensor) {
        float[] values = new float[(int) tensor.size()];
        tensor.asRawTensor().data().asFloats().read(values);
        return values;
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        assertThat(maxDifference(actual, expected)).as(what + ": %s vs %s", Arrays.toString(actual),
                Arrays.toString(expected)).isLessThan(TOLERANCE);
    }
}

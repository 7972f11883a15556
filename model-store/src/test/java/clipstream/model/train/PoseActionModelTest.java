package clipstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClipGenerator;
import clipstream.media.people.PoseClipSettings;
import clipstream.model.data.KeypointDataset;
import clipstream.model.data.PeopleDataset;
import clipstream.model.pose.KeypointClips;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.model.zoo.Architecture;
import clipstream.model.zoo.Layer;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkGraph;
import clipstream.model.zoo.NetworkPlan;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

/** posec3d-small on the real TensorFlow engine: heatmaps rendered in the graph, training, export and serving. */
class PoseActionModelTest {
    private static final int JOINTS = 17;

    @TempDir
    Path storeRoot;

    private static NetworkPlan plan() {
        return NetworkPlan.of(ModelZoo.architecture(ModelZoo.POSEC3D_SMALL,
                ModelZoo.DEFAULT_INPUT.get(ModelZoo.POSEC3D_SMALL), PersonAction.values().length));
    }

    @Test
    void eachConfidentJointBecomesAGaussianAtItsPlaceAtFullHeight() {
        TensorFlowNatives.engine();
        // frame 3: joint 5 at x 0.5, y 0.25 scored 0.8 (drawn at height 1), joint 6 scored 0.1 (below the layer's
        // minScore: left out); every other joint of every frame lost (score 0)
        Heatmap map = heatmapOf(plan(), 0.8f, 0.1f);
        assertThat(map.peakRow).isIn(7, 8);
        assertThat(map.peakColumn).isIn(15, 16);
        assertThat((double) map.peak).isCloseTo(Math.exp(-0.25), offset(1e-4));
        // a whole Gaussian of sigma 1 pixel sums to 2 pi sigma^2
        assertThat(map.sum).isCloseTo(2 * Math.PI, offset(0.01));
    }

    @Test
    void withoutAMinimumScoreEachJointIsWeightedByItsScore() {
        TensorFlowNatives.engine();
        Architecture zoo = plan().architecture();
        Layer.PoseHeatmaps layer = (Layer.PoseHeatmaps) zoo.layers().get(0);
        List<Layer> layers = new ArrayList<>(zoo.layers());
        layers.set(0, new Layer.PoseHeatmaps(layer.name(), layer.joints(), layer.height(), layer.width(),
                layer.sigma(), 0));
        NetworkPlan scoreWeighted = NetworkPlan.of(new Architecture(zoo.name(), zoo.description(), zoo.input(),
                zoo.classes(), layers));
        // joint 6, scored 0.1, is drawn too, in another map: the sum counts joint 5's map only
        Heatmap map = heatmapOf(scoreWeighted, 0.8f, 0.1f);
        assertThat((double) map.peak).isCloseTo(0.8 * Math.exp(-0.25), offset(1e-4));
        assertThat(map.sum).isCloseTo(0.8 * 2 * Math.PI, offset(0.01));
        assertThat(map.otherSum).isCloseTo(0.1 * 2 * Math.PI, offset(0.01));
    }

    /** Joint 5's map in frame 3: peak, where it is, its sum; and the sum of every other map. */
    private static final class Heatmap {
        double sum;
        double otherSum;
        float peak;
        int peakRow = -1;
        int peakColumn = -1;
    }

    /** Renders a clip whose frame 3 has joint 5 at (0.5, 0.25) and joint 6 at (0.25, 0.5) with the given scores. */
    private static Heatmap heatmapOf(NetworkPlan plan, float score5, float score6) {
        int frames = plan.architecture().input().frames();
        float[] clip = new float[frames * JOINTS * 3];
        int at = (3 * JOINTS + 5) * 3;
        clip[at] = 0.5f;
        clip[at + 1] = 0.25f;
        clip[at + 2] = score5;
        clip[at + 3] = 0.25f;
        clip[at + 4] = 0.5f;
        clip[at + 5] = score6;
        KeypointDataset one = new KeypointDataset(PersonAction.labels(), frames, JOINTS, new float[][] {clip},
                new int[] {0});
        float[] maps;
        try (Graph graph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, TrainingRun.IDENTITY);
            Operand<TFloat32> heatmaps = network.upTo("heatmaps");
            try (Session session = new Session(graph);
                 Tensor input = one.batch(new int[] {0}, 0, 1);
                 var result = session.runner().feed(network.input(), input).fetch(heatmaps).run()) {
                TFloat32 out = (TFloat32) result.get(0);
                assertThat(out.shape().asArray()).containsExactly(1, frames, 32, 32, JOINTS);
                maps = new float[(int) out.size()];
                out.asRawTensor().data().asFloats().read(maps);
            }
        }
        Heatmap map = new Heatmap();
        for (int t = 0; t < frames; t++) {
            for (int r = 0; r < 32; r++) {
                for (int c = 0; c < 32; c++) {
                    for (int j = 0; j < JOINTS; j++) {
                        float v = maps[(((t * 32) + r) * 32 + c) * JOINTS + j];
                        if (t != 3 || j != 5) {
                            map.otherSum += v;
                            continue;
                        }
                        map.sum += v;
                        if (v > map.peak) {
                            map.peak = v;
                            map.peakRow = r;
                            map.peakColumn = c;
                        }
                    }
                }
            }
        }
        // the joint lies between pixel centres 7/8 (rows) and 15/16 (columns), half a pixel (one sigma = 1) off each
        if (plan.architecture().layers().get(0) instanceof Layer.PoseHeatmaps h && h.minScore() > score6) {
            assertThat(map.otherSum).as("a joint scored below minScore is left out").isZero();
        }
        return map;
    }

    @Test
    void aTrainedKeypointModelIsServedWithTheAccuracyItWasTrainedTo() {
        TensorFlowNatives.engine();
        PoseClipGenerator generator = new PoseClipGenerator(PoseClipSettings.DEFAULTS);
        KeypointDataset train = PeopleDataset.generate(generator, 6, 3, DatasetSplit.TRAIN);
        KeypointDataset heldOut = PeopleDataset.generate(generator, 2, 3, DatasetSplit.HELD_OUT);
        ModelStore store = new ModelStore(storeRoot);
        TrainingRun.Outcome outcome = new TrainingRun(store, new TrainingOptions(2, 12, 1e-3, 42, 0, 2),
                TrainingListener.SILENT).run("people", plan(), train, heldOut, JsonNodeFactory.instance.objectNode());

        ModelManifest manifest = outcome.model().manifest();
        assertThat(manifest.input().isKeypoints()).isTrue();
        assertThat(manifest.input().dtype()).isEqualTo("float32");
        assertThat(manifest.signature().input()).isEqualTo(NetworkGraph.KEYPOINTS_INPUT_OP);
        assertThat(manifest.labels()).isEqualTo(PersonAction.labels());
        assertThat(manifest.architecture()).isEqualTo(ModelZoo.POSEC3D_SMALL);

        store.setCurrent("people", manifest.version());
        try (ClipClassifier classifier = ClipClassifier.open(
                new ClassifierOptions(storeRoot, "people", null, "cpu", 2, 1))) {
            assertThat(classifier.clipBytes()).isEqualTo(32 * JOINTS * 3 * 4);
            List<byte[]> clips = new ArrayList<>();
            for (float[] clip : heldOut.clips()) {
                clips.add(KeypointClips.toBytes(clip));
            }
            List<ClipPrediction> predictions = classifier.classify(clips, 3);
            int correct = 0;
            for (int i = 0; i < predictions.size(); i++) {
                if (predictions.get(i).topK().get(0).label().equals(heldOut.labelNames().get(heldOut.labels()[i]))) {
                    correct++;
                }
            }
            assertThat((double) correct / heldOut.size()).isEqualTo(outcome.evaluation().accuracy());

            assertThatThrownBy(() -> classifier.classify(List.of(new byte[100]), 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("keypoint clips of 32 frames x 17 keypoints");
        }
    }

    @Test
    void theTimeShuffledAblationKeepsEachFramesKeypointsTogether() {
        PoseClipGenerator generator = new PoseClipGenerator(PoseClipSettings.DEFAULTS);
        KeypointDataset clips = PeopleDataset.generate(generator, 1, 5, DatasetSplit.HELD_OUT);

        KeypointDataset shuffled = clips.timeShuffled(9);

        int frameValues = JOINTS * 3;
        for (int c = 0; c < clips.size(); c++) {
            List<List<Float>> before = frames(clips.clips()[c], frameValues);
            List<List<Float>> after = frames(shuffled.clips()[c], frameValues);
            assertThat(after).containsExactlyInAnyOrderElementsOf(before);
            assertThat(after).isNotEqualTo(before);
        }
        assertThat(shuffled.labels()).isEqualTo(clips.labels());
    }

    private static List<List<Float>> frames(float[] clip, int frameValues) {
        List<List<Float>> frames = new ArrayList<>();
        for (int t = 0; t < clip.length; t += frameValues) {
            List<Float> frame = new ArrayList<>();
            for (int i = t; i < t + frameValues; i++) {
                frame.add(clip[i]);
            }
            frames.add(frame);
        }
        return frames;
    }
}

package clipstream.model.train;

import clipstream.model.runtime.TensorFlowNatives;
import clipstream.model.store.Normalization;
import clipstream.model.zoo.NetworkGraph;
import clipstream.model.zoo.NetworkPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.types.TFloat32;

/**
 * Writes trained weights as a TensorFlow SavedModel: a fresh inference-only graph (no optimiser slots, no
 * dropout), uint8 clips in, softmax probabilities out, under the {@code serving_default} signature.
 */
public final class SavedModelExporter {
    public static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;

    private SavedModelExporter() {
    }

    public static void export(NetworkPlan plan, Normalization normalization, Map<String, float[]> weights, Path directory) {
        TensorFlowNatives.engine();
        try (Graph graph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, normalization);
            Operand<TFloat32> probabilities = network.probabilities();
            try (Session session = new Session(graph)) {
                network.assign(session, weights);
                SavedModelBundle.exporter(directory.toString())
                        .withSession(session)
                        .withSignature(Signature.builder().key(SIGNATURE_KEY)
                                .input(network.inputName(), network.input())
                                .output(NetworkGraph.PROBABILITIES_OP, probabilities)
                                .build())
                        .export();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export the SavedModel to " + directory, e);
        }
    }
}

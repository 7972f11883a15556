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
 * dropout), uint8 clips in, softmax probabilities out, under the {@code serving_default} signature; a streamable
 * network gets its stream mode beside it under {@value #STREAM_SIGNATURE_KEY}, on the same variables.
 */
public final class SavedModelExporter {
    public static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;
    /** The signature of a stream network's stream mode ({@link NetworkGraph#stream()}), beside the clip mode's. */
    public static final String STREAM_SIGNATURE_KEY = "stream";

    private SavedModelExporter() {
    }

    /** The stream mode's signature: the chunk and every state in, the probabilities and every next state out. */
    static Signature streamSignature(NetworkGraph.StreamStep step) {
        Signature.Builder builder = Signature.builder().key(STREAM_SIGNATURE_KEY)
                .input(NetworkGraph.CHUNK_INPUT_OP, step.chunk())
                .output(NetworkGraph.PROBABILITIES_OP, step.probabilities());
        for (NetworkPlan.StreamState spec : step.specs()) {
            builder.input(spec.input(), step.states().get(spec.layer()));
            builder.output(spec.output(), step.nextStates().get(spec.layer()));
        }
        return builder.build();
    }

    public static void export(NetworkPlan plan, Normalization normalization, Map<String, float[]> weights, Path directory) {
        TensorFlowNatives.engine();
        try (Graph graph = new Graph()) {
            NetworkGraph network = NetworkGraph.build(graph, plan, normalization);
            Operand<TFloat32> probabilities = network.probabilities();
            try (Session session = new Session(graph)) {
                network.assign(session, weights);
                Signature clips = Signature.builder().key(SIGNATURE_KEY)
                        .input(network.inputName(), network.input())
                        .output(NetworkGraph.PROBABILITIES_OP, probabilities)
                        .build();
                SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(directory.toString()).withSession(session);
                if (plan.streamable()) {
                    exporter.withSignatures(clips, streamSignature(network.stream()));
                } else {
                    exporter.withSignature(clips);
                }
                exporter.export();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot export the SavedModel to " + directory, e);
        }
    }
}

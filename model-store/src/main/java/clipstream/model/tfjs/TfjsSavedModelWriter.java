package clipstream.model.tfjs;

import clipstream.model.runtime.TensorFlowNatives;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;

/** Writes an imported TF.js graph as a TensorFlow SavedModel with one {@code serving_default} signature. */
public final class TfjsSavedModelWriter {
    private TfjsSavedModelWriter() {
    }

    public static void write(TfjsGraphImporter.ImportedGraph imported, Path directory) {
        TensorFlowNatives.engine();
        try (Graph graph = new Graph()) {
            graph.importGraphDef(imported.graph());
            Signature.Builder signature = Signature.builder().key(Signature.DEFAULT_KEY);
            for (TfjsGraphImporter.Endpoint input : imported.inputs()) {
                signature.input(input.key(), operation(graph, input).output(input.index()));
            }
            for (TfjsGraphImporter.Endpoint output : imported.outputs()) {
                signature.output(output.key(), operation(graph, output).output(output.index()));
            }
            try (Session session = new Session(graph)) {
                SavedModelBundle.exporter(directory.toString()).withSession(session)
                        .withSignature(signature.build()).export();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the SavedModel to " + directory, e);
        }
    }

    private static GraphOperation operation(Graph graph, TfjsGraphImporter.Endpoint endpoint) {
        GraphOperation operation = graph.operation(endpoint.node());
        if (operation == null) {
            throw new IllegalArgumentException("The signature names '" + endpoint.node() + "', which the graph lacks");
        }
        return operation;
    }
}

package clipstream.model.bench;

import clipstream.model.store.InputShape;
import clipstream.model.store.Normalization;
import clipstream.model.train.Trainer;
import clipstream.model.zoo.NetworkGraph;
import clipstream.model.zoo.NetworkPlan;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The baseline the serving path is measured against: the same network and weights run through a bare TF
 * session (uint8 clips in, probabilities out). Not thread-safe.
 */
public final class RawSession implements AutoCloseable {
    private final Graph graph = new Graph();
    private final NetworkGraph network;
    private final Operand<TFloat32> probabilities;
    private final Session session;
    private final InputShape input;
    private final int classes;

    public RawSession(NetworkPlan plan, Normalization normalization, Map<String, float[]> weights, int threads) {
        this.network = NetworkGraph.build(graph, plan, normalization);
        this.probabilities = network.probabilities();
        this.session = new Session(graph, Trainer.sessionConfig(threads));
        this.input = plan.architecture().input();
        this.classes = plan.architecture().classes();
        network.assign(session, weights);
    }

    /** Probabilities of every clip, clip-major. */
    public float[] run(List<byte[]> clips) {
        boolean keypoints = network.plan().architecture().keypointInput();
        int clipBytes = keypoints ? input.clipBytes() * Float.BYTES : input.clipBytes();
        Shape shape = keypoints ? Shape.of(clips.size(), input.frames(), input.width(), input.channels())
                : Shape.of(clips.size(), input.frames(), input.height(), input.width(), input.channels());
        // a keypoint clip's bytes are little-endian float32, the tensor's own layout on the machines TF runs on
        try (Tensor tensor = keypoints ? TFloat32.tensorOf(shape, t -> write(t, clips, clipBytes))
                : TUint8.tensorOf(shape, t -> write(t, clips, clipBytes));
             Result result = session.runner().feed(network.input(), tensor).fetch(probabilities).run()) {
            float[] out = new float[clips.size() * classes];
            ((TFloat32) result.get(0)).asRawTensor().data().asFloats().read(out);
            return out;
        }
    }

    private static void write(Tensor tensor, List<byte[]> clips, int clipBytes) {
        for (int i = 0; i < clips.size(); i++) {
            tensor.asRawTensor().data().offset((long) i * clipBytes).write(clips.get(i));
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}

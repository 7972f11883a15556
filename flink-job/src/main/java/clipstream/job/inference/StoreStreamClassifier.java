package clipstream.job.inference;

import clipstream.job.config.ModelSettings;
import clipstream.model.runtime.StreamClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The production stream model: a {@link StreamClassifier} for the settings' version of a stream model in the store
 * (the version is fixed for the job's life: a camera's state belongs to the version that computed it).
 */
public final class StoreStreamClassifier implements StreamBatchClassifier {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;

    public StoreStreamClassifier(ModelSettings settings) {
        if (settings.version() == null) {
            throw new IllegalArgumentException("a stream model is served at one version: resolve CURRENT first");
        }
        this.settings = settings;
    }

    @Override
    public Session open() {
        StreamClassifier model = StreamClassifier.open(StoreClassifier.options(settings));
        return new Session() {
            @Override
            public String modelName() {
                return model.manifest().name();
            }

            @Override
            public String modelVersion() {
                return model.manifest().version();
            }

            @Override
            public int chunkMultiple() {
                return model.chunkMultiple();
            }

            @Override
            public int stateFloats() {
                return model.stateFloats();
            }

            @Override
            public List<Step> step(List<byte[]> chunks, List<float[]> states, int topK) {
                List<StreamClassifier.Chunk> in = new ArrayList<>(chunks.size());
                for (int i = 0; i < chunks.size(); i++) {
                    in.add(new StreamClassifier.Chunk(chunks.get(i), states.get(i)));
                }
                List<Step> steps = new ArrayList<>(chunks.size());
                for (StreamClassifier.Step step : model.step(in, topK)) {
                    steps.add(new Step(ClipScores.of(step.prediction()), step.nextState()));
                }
                return steps;
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }
}

package clipstream.job.operators;

import clipstream.job.inference.ClipBatchClassifier;
import clipstream.job.inference.ClipScores;
import clipstream.schema.LabelScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real (if trivial) classifier for operator tests: "bright" when a clip's mean pixel is above 127, else
 * "dark". It records the size of every batch it sees under its name, so tests can check the batching.
 */
public final class BrightnessClassifier implements ClipBatchClassifier {
    private static final long serialVersionUID = 1L;
    static final Map<String, List<Integer>> BATCHES = new ConcurrentHashMap<>();
    static final Map<String, Integer> OPEN_SESSIONS = new ConcurrentHashMap<>();

    private final String name;

    public BrightnessClassifier(String name) {
        this.name = name;
        BATCHES.put(name, new CopyOnWriteArrayList<>());
        OPEN_SESSIONS.put(name, 0);
    }

    public List<Integer> batches() {
        return BATCHES.get(name);
    }

    public int openSessions() {
        return OPEN_SESSIONS.get(name);
    }

    @Override
    public Session open() {
        OPEN_SESSIONS.merge(name, 1, Integer::sum);
        return new Session() {
            @Override
            public String modelName() {
                return "brightness";
            }

            @Override
            public String modelVersion() {
                return "v1";
            }

            @Override
            public List<ClipScores> classify(List<byte[]> clips, int topK) {
                BATCHES.get(name).add(clips.size());
                List<ClipScores> results = new ArrayList<>();
                for (byte[] clip : clips) {
                    long sum = 0;
                    for (byte b : clip) {
                        sum += Byte.toUnsignedInt(b);
                    }
                    float bright = Math.min(1f, (float) sum / clip.length / 255f);
                    List<LabelScore> labels = bright > 0.5f
                            ? List.of(new LabelScore("bright", bright), new LabelScore("dark", 1 - bright))
                            : List.of(new LabelScore("dark", 1 - bright), new LabelScore("bright", bright));
                    results.add(new ClipScores(labels.subList(0, Math.min(topK, labels.size()))));
                }
                return results;
            }

            @Override
            public void close() {
                OPEN_SESSIONS.merge(name, -1, Integer::sum);
            }
        };
    }
}

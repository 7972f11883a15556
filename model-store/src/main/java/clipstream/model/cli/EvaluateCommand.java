package clipstream.model.cli;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.KeypointNoise;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClipGenerator;
import clipstream.media.people.PoseClipSettings;
import clipstream.media.synthetic.MotionAction;
import clipstream.model.data.ClipDataset;
import clipstream.model.data.KeypointDataset;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.data.PeopleDataset;
import clipstream.model.eval.Evaluation;
import clipstream.model.eval.Plots;
import clipstream.model.pose.KeypointClips;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.ClipPrediction;
import clipstream.model.store.ModelManifest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Evaluates a stored model through the serving path ({@link ClipClassifier}) on freshly generated clips — a seed
 * the model never saw: motion-actions clips for a video model, people's keypoint clips for a keypoint model — and
 * prints per-class precision and recall.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Accuracy and per-class precision/recall of a stored model on fresh generated clips"
                + " (motion-actions for video models, people for keypoint models).")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "NAME", description = "Model name")
    String name;

    @Option(names = "--version", description = "Version (default: CURRENT)")
    String version;

    @Option(names = "--clips-per-class", defaultValue = "30", description = "Default: ${DEFAULT-VALUE}")
    int clipsPerClass;

    @Option(names = "--data-seed", defaultValue = "20261128", description = "Seed of the evaluation clips. Default: ${DEFAULT-VALUE}")
    long dataSeed;

    @Option(names = "--batch-size", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}")
    String device;

    @Option(names = "--confusion-png", paramLabel = "FILE", description = "Also write the confusion matrix here")
    Path confusionPng;

    @Option(names = "--time-shuffled",
            description = "Keypoint models: put each clip's frames in a random order first (the ablation that shows"
                    + " whether the model uses time: it should fall towards chance)")
    boolean timeShuffled;

    @Option(names = "--noise", defaultValue = "default", paramLabel = "default|randomised|none",
            description = "Keypoint models: the simulated pose estimator's errors on the generated people: default (as"
                    + " measured on real footage), randomised (drawn per clip around them) or none (perfect keypoints)."
                    + " Default: ${DEFAULT-VALUE}")
    String noise;

    @Override
    public Integer call() {
        ClassifierOptions options = new ClassifierOptions(store.store, name, version, device,
                Runtime.getRuntime().availableProcessors(), 1);
        try (ClipClassifier classifier = ClipClassifier.open(options)) {
            ModelManifest manifest = classifier.manifest();
            if (manifest.input().isKeypoints()) {
                return evaluatePeople(classifier, manifest);
            }
            if (timeShuffled) {
                throw new IllegalArgumentException("--time-shuffled applies to keypoint models; " + name + " takes video");
            }
            if (!manifest.labels().equals(MotionAction.labels())) {
                throw new IllegalArgumentException(name + " was not trained on motion-actions labels " + manifest.labels());
            }
            ClipDataset data = MotionActionsDataset.generate(clipsPerClass, manifest.frames(), manifest.height(),
                    manifest.width(), dataSeed);
            report(classifier, manifest, Arrays.asList(data.clips()), data.labels(), data.size() + " fresh clips");
        }
        return 0;
    }

    /**
     * A keypoint model on generated people from the held-out seeds of data seed {@code --data-seed} (never a
     * training seed of any data seed's training split), at the pose rate it was trained at.
     */
    private Integer evaluatePeople(ClipClassifier classifier, ModelManifest manifest) {
        if (!manifest.labels().equals(PersonAction.labels())) {
            throw new IllegalArgumentException(name + " was not trained on the people actions " + PersonAction.labels());
        }
        double fps = manifest.training() != null && manifest.training().has("pose_fps")
                ? manifest.training().get("pose_fps").asDouble() : PoseClipSettings.DEFAULTS.fps();
        KeypointNoise keypointNoise = switch (noise) {
            case "default", "randomised" -> KeypointNoise.DEFAULTS;
            case "none" -> KeypointNoise.NONE;
            default -> throw new IllegalArgumentException("--noise must be default, randomised or none, got " + noise);
        };
        PoseClipSettings settings = new PoseClipSettings(manifest.frames(), fps, PoseClipSettings.DEFAULTS.width(),
                PoseClipSettings.DEFAULTS.height(), keypointNoise, PoseClipSettings.DEFAULTS.heldOutFraction());
        KeypointDataset data = noise.equals("randomised")
                ? PeopleDataset.generateWithRandomisedNoise(settings, clipsPerClass, dataSeed, DatasetSplit.HELD_OUT)
                : PeopleDataset.generate(new PoseClipGenerator(settings), clipsPerClass, dataSeed, DatasetSplit.HELD_OUT);
        if (timeShuffled) {
            data = data.timeShuffled(dataSeed);
        }
        List<byte[]> clips = Arrays.stream(data.clips()).map(KeypointClips::toBytes).toList();
        report(classifier, manifest, clips, data.labels(), data.size() + " fresh held-out people clips at " + fps
                + " fps, " + noise + " keypoint noise" + (timeShuffled ? ", frames shuffled in time" : ""));
        return 0;
    }

    private void report(ClipClassifier classifier, ModelManifest manifest, List<byte[]> clips, int[] labels,
                        String what) {
        int[] predictions = new int[clips.size()];
        for (int from = 0; from < clips.size(); from += batchSize) {
            int to = Math.min(clips.size(), from + batchSize);
            List<ClipPrediction> batch = classifier.classify(clips.subList(from, to), 1);
            for (int i = from; i < to; i++) {
                predictions[i] = manifest.labels().indexOf(batch.get(i - from).label());
            }
        }
        Evaluation evaluation = Evaluation.of(manifest.labels(), labels, predictions);
        System.out.printf("%s version %s on %s (data seed %d):%n", manifest.name(), manifest.version(), what,
                dataSeed);
        System.out.print(evaluation.report());
        if (confusionPng != null) {
            Plots.confusionMatrix(evaluation, manifest.name() + " v" + manifest.version() + " evaluation", confusionPng);
        }
    }
}

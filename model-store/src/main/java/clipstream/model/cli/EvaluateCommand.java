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
import clipstream.model.runtime.Precision;
import clipstream.model.runtime.StreamClassifier;
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

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
            description = "The model's arithmetic: fp32 or bf16 (oneDNN's bfloat16 mixed precision, as the job's"
                    + " --precision bf16 serves it). Default: ${DEFAULT-VALUE}")
    String precision;

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

    @Option(names = "--context", defaultValue = "0", paramLabel = "FRAMES",
            description = "Video models: generate each clip with this many frames of the same action before it; the"
                    + " clip mode sees the clip only, --stream sees the frames before it too. Default: ${DEFAULT-VALUE}")
    int context;

    @Option(names = "--stream", description = "Stream models: classify through the stream mode, chunk after chunk of"
            + " --chunk frames over the context and the clip, the label read after the clip's last chunk (as the job"
            + " does), besides the clip mode")
    boolean stream;

    @Option(names = "--chunk", defaultValue = "16", description = "Frames per stream call (a multiple of the model's"
            + " chunk multiple). Default: ${DEFAULT-VALUE}")
    int chunk;

    @Override
    public Integer call() {
        ClassifierOptions options = new ClassifierOptions(store.store, name, version, device,
                Runtime.getRuntime().availableProcessors(), 1).withPrecision(Precision.parse(precision));
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
            if (context < 0 || (stream && context % chunk != 0)) {
                throw new IllegalArgumentException("--context must be 0 or more (a multiple of --chunk with --stream)");
            }
            ClipDataset data = MotionActionsDataset.generate(clipsPerClass, context + manifest.frames(),
                    manifest.height(), manifest.width(), dataSeed);
            int frameBytes = manifest.height() * manifest.width() * manifest.channels();
            List<byte[]> clips = Arrays.stream(data.clips()).map(video -> Arrays.copyOfRange(video,
                    context * frameBytes, video.length)).toList();
            String what = data.size() + " fresh clips" + (context > 0 ? " (the last " + manifest.frames()
                    + " frames of " + (context + manifest.frames()) + ")" : "");
            report(classifier, manifest, clips, data.labels(), what + ", clip by clip");
            if (stream) {
                try (StreamClassifier streams = StreamClassifier.open(options.withModel(name, manifest.version()))) {
                    reportStream(streams, manifest, data, what);
                }
            }
        }
        return 0;
    }

    /** Runs each video through the stream mode in chunks (a batch of videos side by side) and reports its labels. */
    private void reportStream(StreamClassifier streams, ModelManifest manifest, ClipDataset data, String what) {
        if (chunk % streams.chunkMultiple() != 0 || chunk > manifest.frames() || manifest.frames() % chunk != 0) {
            throw new IllegalArgumentException("--chunk must be a multiple of " + streams.chunkMultiple()
                    + " that divides the clip of " + manifest.frames() + " frames, got " + chunk);
        }
        int frameBytes = streams.frameBytes();
        int frames = context + manifest.frames();
        int[] predictions = new int[data.size()];
        long nanos = 0;
        long calls = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            float[][] states = new float[to - from][];
            for (int i = 0; i < states.length; i++) {
                states[i] = streams.initialState();
            }
            List<StreamClassifier.Step> steps = List.of();
            for (int start = 0; start < frames; start += chunk) {
                List<StreamClassifier.Chunk> chunks = new java.util.ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    chunks.add(new StreamClassifier.Chunk(Arrays.copyOfRange(data.clips()[i], start * frameBytes,
                            (start + chunk) * frameBytes), states[i - from]));
                }
                long started = System.nanoTime();
                steps = streams.step(chunks, 1);
                nanos += System.nanoTime() - started;
                calls += chunks.size();
                for (int i = 0; i < steps.size(); i++) {
                    states[i] = steps.get(i).nextState();
                }
            }
            for (int i = from; i < to; i++) {
                predictions[i] = manifest.labels().indexOf(steps.get(i - from).prediction().label());
            }
        }
        Evaluation evaluation = Evaluation.of(manifest.labels(), data.labels(), predictions);
        System.out.printf("%s version %s on %s, as a stream in chunks of %d frames%s (data seed %d; %.2f ms per"
                        + " chunk):%n", manifest.name(), manifest.version(), what, chunk,
                context > 0 ? " from " + context + " frames before the clip" : "", dataSeed, nanos / 1e6 / calls);
        System.out.print(evaluation.report());
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

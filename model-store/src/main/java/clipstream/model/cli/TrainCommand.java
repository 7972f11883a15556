package clipstream.model.cli;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClipGenerator;
import clipstream.media.people.PoseClipSettings;
import clipstream.media.synthetic.MotionAction;
import clipstream.model.data.ClipDataset;
import clipstream.model.data.KeypointDataset;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.data.PeopleDataset;
import clipstream.model.data.VideoFolderDataset;
import clipstream.model.store.InputShape;
import clipstream.model.store.ModelStore;
import clipstream.model.train.TrainingOptions;
import clipstream.model.train.TrainingRun;
import clipstream.model.zoo.ModelZoo;
import clipstream.model.zoo.NetworkPlan;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Trains an architecture of the zoo on the motion-actions data and publishes it as the next version. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train an architecture on generated motion-actions clips; store it as the next version.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    ModelCommand.StoreOption store;

    @Parameters(index = "0", paramLabel = "ARCHITECTURE",
            description = "seed-conv3d, c3d, c3d-small or frame2d (video), or posec3d-small (people's keypoints)")
    String architecture;

    @Option(names = "--noise", defaultValue = "randomised", paramLabel = "randomised|measured",
            description = "posec3d-small: the simulated pose estimator's errors: measured (the values measured on real"
                    + " footage, KeypointNoise.DEFAULTS) or randomised (drawn per clip around them, so the model learns"
                    + " the motion rather than one estimator's habits). Default: ${DEFAULT-VALUE}")
    String noise;

    @Option(names = "--fps", defaultValue = "10",
            description = "posec3d-small: pose frames per second of the generated clips, the rate the job's pose stage"
                    + " should run at (32 frames at 10 fps: 3.2 s per clip). Default: ${DEFAULT-VALUE}")
    double fps;

    @Option(names = "--context", defaultValue = "0", paramLabel = "FRAMES",
            description = "Stream architectures: train on clips with this many frames before each (half the same"
                    + " action going on, half another action cutting to it), as the stream mode sees a camera's"
                    + " clips; a multiple of its chunk (8). Default: ${DEFAULT-VALUE}")
    int context;

    @Option(names = "--name", description = "Model name in the store (default: the architecture)")
    String name;

    @Option(names = "--input", paramLabel = "TxHxWxC", description = "Input clip shape (default: the architecture's)")
    String input;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Train on your own videos, one folder per label (<DIR>/<label>/<video>), instead of generated clips")
    Path dataDir;

    @Option(names = "--clips-per-video", defaultValue = "4", description = "With --data: clips cut from each video. Default: ${DEFAULT-VALUE}")
    int clipsPerVideo;

    @Option(names = "--clips-per-class", defaultValue = "150", description = "Generated clips per class. Default: ${DEFAULT-VALUE}")
    int clipsPerClass;

    @Option(names = "--data-seed", defaultValue = "7", description = "Seed of the generated data. Default: ${DEFAULT-VALUE}")
    long dataSeed;

    @Option(names = "--held-out", defaultValue = "0.2", description = "Held-out fraction. Default: ${DEFAULT-VALUE}")
    double heldOut;

    @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate. Default: ${DEFAULT-VALUE}")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initial weights, batch order and dropout. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: epochs without a better held-out accuracy (0: off). Default: ${DEFAULT-VALUE}")
    int patience;

    @Option(names = "--threads", description = "TensorFlow intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = "--bn-batches", defaultValue = "" + TrainingOptions.DEFAULT_BN_BATCHES,
            description = "Training batches that re-estimate the batch-norm statistics of the weights after each epoch,"
                    + " before they are evaluated and stored (0: keep the moving averages). Default: ${DEFAULT-VALUE}")
    int bnBatches;

    @Option(names = "--set-current", description = "Make the new version the one served by default")
    boolean setCurrent;

    @Override
    public Integer call() {
        if (heldOut <= 0 || heldOut >= 1) {
            throw new IllegalArgumentException("--held-out must be between 0 and 1, got " + heldOut);
        }
        if (clipsPerClass < 2) {
            throw new IllegalArgumentException("--clips-per-class must be >= 2, got " + clipsPerClass);
        }
        InputShape shape = input != null ? InputShape.parse(input) : DescribeCommand.defaultInput(architecture);
        String modelName = ModelStore.validateName(name != null ? name : architecture);
        TrainingOptions options = new TrainingOptions(epochs, batchSize, learningRate, seed, patience,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), bnBatches);
        if (ModelZoo.architecture(architecture, shape, PersonAction.values().length).keypointInput()) {
            return trainOnPeople(shape, modelName, options);
        }
        if (shape.channels() != 3) {
            throw new IllegalArgumentException("--input must have 3 channels (RGB), got " + shape);
        }
        ClipDataset data;
        if (dataDir != null) {
            System.out.printf(Locale.ROOT, "Reading clips of %s from %s...%n", shape, dataDir);
            data = VideoFolderDataset.read(dataDir, shape.frames(), shape.height(), shape.width(), clipsPerVideo);
        } else {
            System.out.printf(Locale.ROOT, "Generating %d motion-actions clips of %s (data seed %d)...%n",
                    clipsPerClass * MotionAction.values().length, shape, dataSeed);
            data = context > 0
                    ? MotionActionsDataset.generateWithContext(clipsPerClass, context, shape.frames(), shape.height(),
                            shape.width(), dataSeed)
                    : MotionActionsDataset.generate(clipsPerClass, shape.frames(), shape.height(), shape.width(),
                            dataSeed);
        }
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(architecture, shape, data.labelNames().size()));
        NetworkPlan trainPlan = plan;
        if (context > 0) {
            if (dataDir != null || !plan.streamable() || context % plan.streamChunkMultiple() != 0) {
                throw new IllegalArgumentException("--context trains a stream architecture (c3d-small-stream) on"
                        + " generated clips, with a multiple of its chunk of frames before each clip");
            }
            trainPlan = NetworkPlan.of(plan.architecture().withInput(new InputShape(context + shape.frames(),
                    shape.height(), shape.width(), shape.channels())));
        }
        ClipDataset.Split split = data.split(heldOut, dataSeed);
        System.out.printf(Locale.ROOT, "Training %s (%,d parameters, %.2f GFLOP per clip) on %d clips, %d held out%n",
                architecture, plan.totalParams(), 2 * plan.totalMacs() / 1e9, split.train().size(), split.test().size());

        ObjectNode description = JsonNodeFactory.instance.objectNode();
        description.put("command", "./clipstream model train " + architecture + " --name " + modelName + " --input " + shape
                + (dataDir != null ? " --data " + dataDir + " --clips-per-video " + clipsPerVideo : "")
                + " --clips-per-class " + clipsPerClass + " --data-seed " + dataSeed + " --held-out " + heldOut
                + " --epochs " + epochs + " --batch-size " + batchSize + " --learning-rate " + learningRate
                + " --seed " + seed + " --patience " + patience + " --bn-batches " + bnBatches
                + (context > 0 ? " --context " + context : ""));
        description.put("dataset", dataDir != null ? "video folders: " + dataDir.toAbsolutePath()
                : "motion-actions (generated: clipstream.model.data.MotionActionsDataset)");
        description.put("data_seed", dataSeed);
        description.put("clips_per_class", clipsPerClass);
        description.put("held_out_fraction", heldOut);
        if (context > 0) {
            description.put("context_frames", context);
            description.put("context", "each clip with " + context + " frames before it: the same action going on for"
                    + " half of them, another action's scene cutting to the clip's for the other half; trained and"
                    + " evaluated as the stream mode runs (the window pool over the clip, the causal layers seeing the"
                    + " frames before it)");
        }

        ModelStore models = new ModelStore(store.store);
        TrainingRun.Outcome outcome = new TrainingRun(models, options, new ProgressBar(System.out))
                .run(modelName, trainPlan, plan, split.train(), split.test(), description);
        return stored(models, modelName, outcome);
    }

    /**
     * A keypoint model: generated people ({@link PeopleDataset}), {@code --clips-per-class} per action of which
     * {@code --held-out} from held-out seeds (never a training seed), seen by the simulated pose estimator.
     */
    private Integer trainOnPeople(InputShape shape, String modelName, TrainingOptions options) {
        if (dataDir != null) {
            throw new IllegalArgumentException("--data takes video folders; " + architecture
                    + " trains on generated people's keypoints");
        }
        int heldOutPerClass = Math.max(1, (int) Math.round(clipsPerClass * heldOut));
        int trainPerClass = clipsPerClass - heldOutPerClass;
        PoseClipSettings settings = new PoseClipSettings(shape.frames(), fps,
                PoseClipSettings.DEFAULTS.width(), PoseClipSettings.DEFAULTS.height(), PoseClipSettings.DEFAULTS.noise(),
                heldOut);
        PoseClipGenerator generator = new PoseClipGenerator(settings);
        int actions = PersonAction.values().length;
        System.out.printf(Locale.ROOT, "Generating %d + %d people clips of %d frames (data seed %d)...%n",
                trainPerClass * actions, heldOutPerClass * actions, shape.frames(), dataSeed);
        boolean randomised = switch (noise) {
            case "randomised" -> true;
            case "measured" -> false;
            default -> throw new IllegalArgumentException("--noise must be randomised or measured, got " + noise);
        };
        KeypointDataset train = randomised
                ? PeopleDataset.generateWithRandomisedNoise(settings, trainPerClass, dataSeed, DatasetSplit.TRAIN)
                : PeopleDataset.generate(generator, trainPerClass, dataSeed, DatasetSplit.TRAIN);
        // held out: the measured noise, what the committed model is checked against
        KeypointDataset test = PeopleDataset.generate(generator, heldOutPerClass, dataSeed, DatasetSplit.HELD_OUT);
        NetworkPlan plan = NetworkPlan.of(ModelZoo.architecture(architecture, shape, actions));
        System.out.printf(Locale.ROOT, "Training %s (%,d parameters, %.2f GFLOP per clip) on %d clips, %d held out%n",
                architecture, plan.totalParams(), 2 * plan.totalMacs() / 1e9, train.size(), test.size());
        ObjectNode description = JsonNodeFactory.instance.objectNode();
        description.put("command", "./clipstream model train " + architecture + " --name " + modelName + " --input "
                + shape + " --fps " + fps + " --noise " + noise + " --clips-per-class " + clipsPerClass + " --data-seed " + dataSeed
                + " --held-out " + heldOut
                + " --epochs " + epochs + " --batch-size " + batchSize + " --learning-rate " + learningRate
                + " --seed " + seed + " --patience " + patience + " --bn-batches " + bnBatches);
        description.put("dataset", "people (generated: clipstream.media.people.PoseClipGenerator, "
                + settings.frames() + " frames at " + settings.fps() + " fps, " + settings.width() + "x"
                + settings.height() + " camera, simulated pose estimator "
                + (randomised ? "with noise drawn per clip around " : "") + settings.noise() + "),"
                + " keypoints normalised by clipstream.model.pose.KeypointClips");
        description.put("data_seed", dataSeed);
        description.put("clips_per_class", clipsPerClass);
        description.put("held_out_fraction", heldOut);
        description.put("pose_fps", fps);
        description.put("noise", noise);
        ModelStore models = new ModelStore(store.store);
        TrainingRun.Outcome outcome = new TrainingRun(models, options, new ProgressBar(System.out))
                .run(modelName, plan, train, test, description);
        return stored(models, modelName, outcome);
    }

    private Integer stored(ModelStore models, String modelName, TrainingRun.Outcome outcome) {
        System.out.print(outcome.evaluation().report());
        String version = outcome.model().manifest().version();
        if (setCurrent) {
            models.setCurrent(modelName, version);
        }
        System.out.printf("Stored %s version %s in %s%s%n", modelName, version, outcome.model().directory(),
                setCurrent ? " (now CURRENT)" : "");
        return 0;
    }
}

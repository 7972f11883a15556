package clipstream.model.cli;

import clipstream.model.data.ClipDataset;
import clipstream.media.synthetic.MotionAction;
import clipstream.model.data.MotionActionsDataset;
import clipstream.model.eval.Evaluation;
import clipstream.model.eval.Plots;
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
 * Evaluates a stored model through the serving path ({@link ClipClassifier}) on freshly generated
 * motion-actions clips — a seed the model never saw — and prints per-class precision and recall.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Accuracy and per-class precision/recall of a stored model on fresh motion-actions clips.")
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

    @Override
    public Integer call() {
        ClassifierOptions options = new ClassifierOptions(store.store, name, version, device,
                Runtime.getRuntime().availableProcessors(), 1);
        try (ClipClassifier classifier = ClipClassifier.open(options)) {
            ModelManifest manifest = classifier.manifest();
            if (!manifest.labels().equals(MotionAction.labels())) {
                throw new IllegalArgumentException(name + " was not trained on motion-actions labels " + manifest.labels());
            }
            ClipDataset data = MotionActionsDataset.generate(clipsPerClass, manifest.frames(), manifest.height(),
                    manifest.width(), dataSeed);
            int[] predictions = new int[data.size()];
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                List<ClipPrediction> batch = classifier.classify(Arrays.asList(data.clips()).subList(from, to), 1);
                for (int i = from; i < to; i++) {
                    predictions[i] = manifest.labels().indexOf(batch.get(i - from).label());
                }
            }
            Evaluation evaluation = Evaluation.of(manifest.labels(), data.labels(), predictions);
            System.out.printf("%s version %s on %d fresh clips (data seed %d):%n", manifest.name(), manifest.version(),
                    data.size(), dataSeed);
            System.out.print(evaluation.report());
            if (confusionPng != null) {
                Plots.confusionMatrix(evaluation, manifest.name() + " v" + manifest.version() + " evaluation", confusionPng);
            }
        }
        return 0;
    }
}

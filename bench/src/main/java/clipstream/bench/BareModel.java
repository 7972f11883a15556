package clipstream.bench;

import clipstream.media.synthetic.SyntheticCamera;
import clipstream.model.runtime.ClassifierOptions;
import clipstream.model.runtime.ClipClassifier;
import clipstream.model.runtime.Precision;
import clipstream.model.store.ModelManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model alone: the model store's {@link ClipClassifier} classifying the clips a synthetic camera makes, in
 * batches of the pipeline's size, with the pipeline's TensorFlow thread settings, on one thread, nothing else
 * running. The pipeline's clips/s are measured against this.
 */
final class BareModel {
    private BareModel() {
    }

    /**
     * Clips per second, this process's CPU milliseconds per clip, and the share of the machine's CPU time the
     * hypervisor took meanwhile (a virtual machine's neighbours slow the model down by that much).
     */
    record Speed(double clipsPerSecond, double cpuMsPerClip, double stealShare) {
    }

    /** Clips per second over about {@code seconds}, after two warm-up batches, with the benchmark's settings. */
    static Speed measure(BenchOptions options, String model, String version, double seconds) {
        return measure(options.store(), model, version, options.batchSize(), options.intraOpThreads(),
                options.interOpThreads(), options.threadSpinning(), options.precision(), seconds);
    }

    /** Clips per second over about {@code seconds}, after two warm-up batches. */
    static Speed measure(Path store, String model, String version, int batch, int intraOpThreads,
                         int interOpThreads, boolean threadSpinning, Precision precision, double seconds) {
        try (ClipClassifier classifier = ClipClassifier.open(new ClassifierOptions(store, model, version, "cpu",
                intraOpThreads, interOpThreads, threadSpinning, precision))) {
            List<byte[]> clips = clips(classifier.manifest(), batch);
            classifier.classify(clips, 3);
            classifier.classify(clips, 3);
            ProcessUsage.Snapshot cpuStart = ProcessUsage.snapshot();
            ProcessUsage.MachineTicks machineStart = ProcessUsage.machineTicks();
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            int calls = 0;
            do {
                classifier.classify(clips, 3);
                calls++;
            } while (System.nanoTime() < deadline || calls < 3);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = ProcessUsage.snapshot().cpuSecondsSince(cpuStart);
            return new Speed(calls * (double) batch / elapsed, cpu * 1000 / (calls * (double) batch),
                    ProcessUsage.machineTicks().stealShareSince(machineStart));
        }
    }

    /** {@code count} consecutive clips of camera "cam-1" as the ingest code renders it, at the model's input size. */
    static List<byte[]> clips(ModelManifest manifest, int count) {
        SyntheticCamera camera = new SyntheticCamera(manifest.width(), manifest.height(), Optional.empty(), 64,
                "cam-1".hashCode());
        int frameBytes = manifest.width() * manifest.height() * 3;
        List<byte[]> clips = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            byte[] clip = new byte[manifest.frames() * frameBytes];
            for (int f = 0; f < manifest.frames(); f++) {
                System.arraycopy(camera.frame((long) c * manifest.frames() + f), 0, clip, f * frameBytes, frameBytes);
            }
            clips.add(clip);
        }
        return clips;
    }
}

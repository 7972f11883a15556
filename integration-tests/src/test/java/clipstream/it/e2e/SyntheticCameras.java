package clipstream.it.e2e;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.schema.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.utils.Utils;

/**
 * Synthetic cameras ({@code synthetic:random?segment=N}) ingested through the real ingest code, with their ground
 * truth: frame {@code seq} of a camera shows {@code SyntheticCamera#actionAt(seq)} for the camera's seed, so a clip
 * inside one segment has a known label.
 *
 * <p>The camera ids are chosen so that each camera has a partition of its own (Kafka's default partitioner hashes
 * the key): no partition of the frames topic is empty, so none holds the job's watermark back.
 */
final class SyntheticCameras {
    private final List<CameraSpec> specs;
    private final Map<String, SyntheticCamera> truth = new HashMap<>();

    private SyntheticCameras(List<CameraSpec> specs) {
        this.specs = List.copyOf(specs);
        for (CameraSpec spec : specs) {
            SourceSpec.Synthetic synthetic = (SourceSpec.Synthetic) spec.source();
            truth.put(spec.id(), new SyntheticCamera(16, 16, synthetic.action(), synthetic.segmentFrames(),
                    synthetic.seed()));
        }
    }

    /** {@code count} cameras of random actions, one per partition of a {@code partitions}-partition topic. */
    static SyntheticCameras onDistinctPartitions(int count, int partitions, int segmentFrames) {
        if (count > partitions) {
            throw new IllegalArgumentException(count + " cameras cannot have partitions of their own among " + partitions);
        }
        List<CameraSpec> specs = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (int i = 1; specs.size() < count; i++) {
            String id = "cam-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (taken.add(partition)) {
                specs.add(new CameraSpec(id, SourceSpec.parse("synthetic:random?segment=" + segmentFrames, id)));
            }
        }
        return new SyntheticCameras(specs);
    }

    List<CameraSpec> specs() {
        return specs;
    }

    List<String> ids() {
        return specs.stream().map(CameraSpec::id).toList();
    }

    /** What frames {@code firstSeq..lastSeq} of {@code camera} showed, when they lie in one segment. */
    Optional<String> label(String camera, long firstSeq, long lastSeq) {
        SyntheticCamera source = truth.get(camera);
        if (source == null || firstSeq / source.segmentFrames() != lastSeq / source.segmentFrames()) {
            return Optional.empty();
        }
        return Optional.of(source.actionAt(firstSeq).label());
    }

    /**
     * Ingest settings for these cameras: frames of the model's size, {@code framesPerCamera} each from seq
     * {@code startSeq}; {@code fps} null means as fast as Kafka takes them.
     */
    static IngestSettings settings(String topic, int width, int height, long framesPerCamera, long startSeq,
                                   Double fps) {
        IngestSettings settings = IngestSettings.defaults(topic, width, height).withMaxFrames(framesPerCamera)
                .withStartSeq(startSeq);
        return fps == null ? settings.withPacing(Pacing.FAST) : settings.withFps(fps).withPacing(Pacing.REALTIME);
    }

    /** Runs the cameras through {@link IngestRunner} with its own producer; {@link #close()} stops and closes all. */
    Ingest ingest(String bootstrap, IngestSettings settings) {
        return new Ingest(bootstrap, settings);
    }

    /** One ingest run in progress. */
    final class Ingest implements AutoCloseable {
        private final Producer<String, Frame> producer;
        private final IngestRunner runner;

        private Ingest(String bootstrap, IngestSettings settings) {
            this.producer = FrameProducers.create(FrameProducers.properties(bootstrap, Map.of()));
            this.runner = new IngestRunner(settings, specs, producer);
            runner.start();
        }

        /** Total frames the broker acknowledged so far. */
        long acked() {
            return runner.stats().stream().mapToLong(s -> s.acked()).sum();
        }

        /** Waits until every camera has sent its frames; fails if one failed or lost frames. */
        IngestSummary await(Duration timeout, long framesPerCamera) throws InterruptedException {
            IngestSummary summary = runner.awaitSummary(timeout);
            if (summary == null) {
                throw new AssertionError("The cameras did not finish within " + timeout.toSeconds() + " s");
            }
            for (IngestSummary.CameraResult camera : summary.cameras()) {
                if (camera.acked() != framesPerCamera || camera.dropped() != 0 || camera.failure() != null) {
                    throw new AssertionError("Camera " + camera.cameraId() + " did not deliver its " + framesPerCamera
                            + " frames:\n" + summary.render());
                }
            }
            return summary;
        }

        @Override
        public void close() throws InterruptedException {
            runner.stop();
            runner.awaitSummary(Duration.ofSeconds(30));
            producer.close(Duration.ofSeconds(10));
        }
    }
}

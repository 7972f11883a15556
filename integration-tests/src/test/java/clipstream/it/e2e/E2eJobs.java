package clipstream.it.e2e;

import clipstream.job.ClipstreamJob;
import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.inference.StoreStreamClassifier;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.FramesTopicSource;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * The clipstream job as the end-to-end tests run it: the real committed default model from the project's model
 * store, the real Kafka source and exactly-once sinks, parallelism 1, on topics each test names for itself.
 */
final class E2eJobs {
    static final Path STORE = Path.of(System.getProperty("clipstream.model-store", "../model-store"));
    static final String MODEL = "c3d-small";
    /** The committed stream model: each camera's frames through it once, its state in the job's keyed state. */
    static final String STREAM_MODEL = "c3d-small-stream";
    /** Frames a camera may be out of order by; cameras own their partitions, so this only bounds lateness. */
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(3);
    static final int MAX_FRAME_BYTES = 8 << 20;
    static final int BATCH_SIZE = 8;

    private static ModelManifest manifest;
    private static ModelManifest streamManifest;

    private E2eJobs() {
    }

    /** The served (CURRENT) version of the default model; fails, naming the file, if it is not committed. */
    static synchronized ModelManifest manifest() throws Exception {
        if (manifest == null) {
            Path current = STORE.resolve("models").resolve(MODEL).resolve("CURRENT");
            if (!Files.isRegularFile(current)) {
                throw new AssertionError("The committed default model is missing: " + current.toAbsolutePath().normalize());
            }
            manifest = new ModelStore(STORE).describe(MODEL, null).manifest();
        }
        return manifest;
    }

    /** The committed stream model's served version; fails, naming the file, if it is not committed. */
    static synchronized ModelManifest streamManifest() throws Exception {
        if (streamManifest == null) {
            Path current = STORE.resolve("models").resolve(STREAM_MODEL).resolve("CURRENT");
            Path first = STORE.resolve("models").resolve(STREAM_MODEL).resolve("1");
            if (!Files.isRegularFile(current) && !Files.isDirectory(first)) {
                throw new AssertionError("The committed stream model is missing: " + first.toAbsolutePath().normalize());
            }
            streamManifest = new ModelStore(STORE).describe(STREAM_MODEL, Files.isRegularFile(current) ? null : "1")
                    .manifest();
        }
        return streamManifest;
    }

    static int clipLength() throws Exception {
        return manifest().frames();
    }

    /** A name no other test or run uses: {@code prefix-xxxxxxxx}. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Exactly-once settings; the consumer group doubles as the transactional id prefix. */
    static KafkaSettings kafka(String bootstrap, String framesTopic, String eventsTopic, String deadLetterTopic,
                               String group) {
        return kafka(bootstrap, framesTopic, eventsTopic, deadLetterTopic, group, Map.of());
    }

    /** The same with Kafka client properties passed through, as {@code --kafka.NAME=VALUE} does. */
    static KafkaSettings kafka(String bootstrap, String framesTopic, String eventsTopic, String deadLetterTopic,
                               String group, Map<String, String> clientProperties) {
        return new KafkaSettings(bootstrap, framesTopic, eventsTopic, deadLetterTopic, group,
                DeliveryGuarantee.EXACTLY_ONCE, group, Duration.ofMinutes(1), clientProperties);
    }

    /**
     * The job over {@code kafka}: clips of the model's length every {@code stride} frames, checkpoints every
     * {@code checkpoint}; {@code bounded}: it reads up to the end offsets found at start and then finishes.
     */
    static ClipstreamJob job(KafkaSettings kafka, int stride, Duration checkpoint, boolean bounded) throws Exception {
        return job(manifest(), kafka, stride, checkpoint, bounded);
    }

    /**
     * The job with {@code model} from the store: a stream model ({@link #streamManifest()}) classifies each camera's
     * chunks of {@code stride} frames as a stream, any other clip by clip.
     */
    static ClipstreamJob job(ModelManifest model, KafkaSettings kafka, int stride, Duration checkpoint, boolean bounded) {
        // source idleness longer than any test: every partition carries a camera, none is ever idle on purpose
        ClipSettings clips = new ClipSettings(model.frames(), stride, 4, OUT_OF_ORDERNESS, Duration.ofSeconds(60),
                Duration.ofMinutes(5), MAX_FRAME_BYTES);
        ModelSettings modelSettings = new ModelSettings(STORE.toString(), model.name(), model.version(), "cpu", 0, 1, 3);
        JobConfig config = new JobConfig(kafka, clips, modelSettings, new BatchSettings(BATCH_SIZE, Duration.ofMillis(100)),
                new RuntimeSettings(1, checkpoint, null));
        ClipstreamJob job = new ClipstreamJob(config, new FrameSize(model.width(), model.height()),
                bounded ? FramesTopicSource.kafkaUntil(kafka, OffsetsInitializer.latest()) : FramesTopicSource.kafka(kafka),
                new StoreClassifier(modelSettings), KafkaSinks.events(kafka), KafkaSinks.deadLetters(kafka));
        return model.isStream() ? job.withStreamInference(new StoreStreamClassifier(modelSettings)) : job;
    }
}

package clipstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.job.config.BatchSettings;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.ConfigException;
import clipstream.job.config.JobConfig;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.ModelSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.config.RuntimeSettings;
import clipstream.job.frames.FrameSize;
import clipstream.job.inference.StoreClassifier;
import clipstream.job.operators.BrightnessClassifier;
import clipstream.job.people.FramePoseModel;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.sink.TransactionTimeoutCheck;
import clipstream.job.source.FramesTopicSource;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.model.pose.PersonPose;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole topology on a real in-JVM Kafka broker (KRaft) and a Flink MiniCluster, exactly-once, with a
 * simple brightness model standing in for the Conv3D network so that the expected labels are known exactly.
 */
class ClipstreamJobKafkaTest {
    /** Frames are captured a minute before the test: the job refuses capture times far from its clock. */
    private static final long T0 = System.currentTimeMillis() - 60_000;
    private static final int CLIP = 8;
    private static final int STRIDE = 4;
    private static final int FRAMES_PER_CAMERA = 40;
    private static final FrameSize MODEL_SIZE = new FrameSize(8, 8);
    private static final RecordEncoder<Frame> FRAMES = RecordEncoder.of(Frame.class);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    static String bootstrap() {
        return kafka.bootstrapServers();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static KafkaSettings kafkaSettings(String run, DeliveryGuarantee delivery, Duration transactionTimeout) {
        return new KafkaSettings(kafka.bootstrapServers(), "frames-" + run, "clip-events-" + run, "frames-dlq-" + run,
                "clipstream-" + run, delivery, "clipstream-" + run, transactionTimeout, Map.of());
    }

    private static JobConfig config(KafkaSettings kafkaSettings) {
        return new JobConfig(kafkaSettings,
                new ClipSettings(CLIP, STRIDE, 2, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMinutes(5),
                        1 << 20),
                new ModelSettings("unused", "brightness", "v1", "cpu", 1, 1, 2),
                new BatchSettings(4, Duration.ofMillis(50)),
                new RuntimeSettings(2, Duration.ofMillis(300), null));
    }

    static void createTopicsFor(KafkaSettings settings) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            // frames up to the size a camera may send; the dead-letter topic keeps the broker's default (1 MiB)
            admin.createTopics(List.of(new NewTopic(settings.framesTopic(), 2, (short) 1)
                            .configs(Map.of("max.message.bytes", Integer.toString(4 << 20))),
                    new NewTopic(settings.eventsTopic(), 2, (short) 1),
                    new NewTopic(settings.deadLetterTopic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // leaders elected before anything is produced: on a loaded machine the first sends otherwise met
            // NOT_LEADER_OR_FOLLOWER and their retries OUT_OF_ORDER_SEQUENCE_NUMBER
            EmbeddedKafka.awaitWritable(admin, List.of(settings.framesTopic(), settings.eventsTopic(),
                    settings.deadLetterTopic()), Duration.ofSeconds(30));
        }
    }

    @Test
    void camerasInExactlyTheExpectedEventsOutAndBadRecordsDeadLettered() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings settings = kafkaSettings(run, DeliveryGuarantee.EXACTLY_ONCE, Duration.ofMinutes(1));
        createTopicsFor(settings);
        // cam-0/cam-2 bright, cam-1/cam-3 dark; cam-0/1 send RGB24, cam-2/3 JPEG; cam-1 loses frame 20
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int seq = 0; seq < FRAMES_PER_CAMERA; seq++) {
            for (int camera = 0; camera < 4; camera++) {
                if (camera == 1 && seq == 20) {
                    continue;
                }
                int level = camera % 2 == 0 ? 220 : 30;
                Frame frame = camera < 2 ? rgbFrame("cam-" + camera, seq, 16, 16, level)
                        : jpegFrame("cam-" + camera, seq, 16, 16, new Color(level, level, level));
                records.add(record(settings.framesTopic(), frame.getCameraId(), FRAMES.toBytes(frame)));
            }
        }
        records.add(record(settings.framesTopic(), "cam-0", "not a frame".getBytes(StandardCharsets.UTF_8)));
        Frame corrupt = rgbFrame("cam-2", 1000, 16, 16, 0);
        corrupt.setEncoding(FrameEncoding.JPEG);
        records.add(record(settings.framesTopic(), "cam-2", FRAMES.toBytes(corrupt)));
        records.add(record(settings.framesTopic(), "bad camera",
                FRAMES.toBytes(rgbFrame("bad camera", 0, 16, 16, 100))));
        Frame wrongSize = rgbFrame("cam-3", 1001, 16, 16, 0);
        wrongSize.setData(ByteBuffer.wrap(new byte[100]));
        records.add(record(settings.framesTopic(), "cam-3", FRAMES.toBytes(wrongSize)));
        // a 2 MiB frame (above --max-frame-bytes), and a record whose key alone is 700 KiB: whole, either letter
        // would be above the dead-letter producer's max.request.size (1 MiB) and fail the job
        records.add(record(settings.framesTopic(), "cam-0", FRAMES.toBytes(rgbFrame("cam-0", 1002, 1024, 683, 9))));
        byte[] hugeKey = new byte[700 * 1024];
        Arrays.fill(hugeKey, (byte) 'k');
        records.add(new ProducerRecord<>(settings.framesTopic(), hugeKey,
                "not a frame".getBytes(StandardCharsets.UTF_8)));
        // a camera clock in the year 3000: refused, and its time is never a Kafka timestamp (brokers refuse those)
        Frame future = rgbFrame("cam-1", 1003, 16, 16, 30);
        future.setCaptureTime(Instant.parse("3000-01-01T00:00:00Z"));
        records.add(record(settings.framesTopic(), "cam-1", FRAMES.toBytes(future)));
        produce(records);

        BrightnessClassifier model = new BrightnessClassifier("kafka-e2e-" + run);
        ClipstreamJob job = new ClipstreamJob(config(settings), MODEL_SIZE,
                FramesTopicSource.kafkaUntil(settings, OffsetsInitializer.latest()), model,
                KafkaSinks.events(settings), KafkaSinks.deadLetters(settings));
        runToCompletion(job);

        List<ClipEvent> events = readCommitted(settings.eventsTopic(), RecordDecoder.of(ClipEvent.class));
        int clipsPerCamera = (FRAMES_PER_CAMERA - CLIP) / STRIDE + 1;
        assertThat(events).hasSize(4 * clipsPerCamera);
        assertThat(events).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        Map<String, List<Long>> firstSeqs = new HashMap<>();
        for (ClipEvent event : events) {
            firstSeqs.computeIfAbsent(event.getCameraId(), c -> new ArrayList<>()).add(event.getFirstSeq());
            int camera = Integer.parseInt(event.getCameraId().substring(4));
            assertThat(event.getLabel()).isEqualTo(camera % 2 == 0 ? "bright" : "dark");
            assertThat(event.getLastSeq()).isEqualTo(event.getFirstSeq() + CLIP - 1);
            // a clip that starts on the lost frame starts on its stand-in: frame 19, repeated
            long firstShown = camera == 1 && event.getFirstSeq() == 20 ? 19 : event.getFirstSeq();
            assertThat(event.getStartTime()).isEqualTo(Instant.ofEpochMilli(T0 + firstShown * 40));
            boolean spansTheLostFrame = camera == 1 && event.getFirstSeq() <= 20 && 20 <= event.getLastSeq();
            assertThat(event.getFramesFilled()).as("frames filled in %s", event).isEqualTo(spansTheLostFrame ? 1 : 0);
            assertThat(event.getModelName()).isEqualTo("brightness");
        }
        List<Long> expectedFirstSeqs = new ArrayList<>();
        for (long first = 0; first + CLIP <= FRAMES_PER_CAMERA; first += STRIDE) {
            expectedFirstSeqs.add(first);
        }
        assertThat(firstSeqs).containsOnlyKeys("cam-0", "cam-1", "cam-2", "cam-3");
        firstSeqs.values().forEach(seqs -> assertThat(seqs).containsExactlyElementsOf(expectedFirstSeqs));
        assertThat(model.batches()).allMatch(size -> size >= 1 && size <= 4);

        List<DeadLetter> letters = readCommitted(settings.deadLetterTopic(), RecordDecoder.of(DeadLetter.class));
        assertThat(letters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                DeadLetterReason.UNDECODABLE, DeadLetterReason.CORRUPT_IMAGE, DeadLetterReason.INVALID_CAMERA_ID,
                DeadLetterReason.INVALID_FRAME, DeadLetterReason.OVERSIZE, DeadLetterReason.UNDECODABLE,
                DeadLetterReason.INVALID_FRAME);
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.getSourceTopic()).isEqualTo(settings.framesTopic());
            assertThat(letter.getValue()).isNotNull();
            assertThat(letter.getValue().remaining()).isLessThanOrEqualTo(FrameDeadLetters.MAX_BYTES_KEPT);
            assertThat(letter.getKey().remaining()).isLessThanOrEqualTo(FrameDeadLetters.MAX_BYTES_KEPT);
        });
        assertThat(letters).filteredOn(letter -> letter.getReason() == DeadLetterReason.OVERSIZE).singleElement()
                .satisfies(letter -> assertThat(letter.getMessage()).containsPattern(
                        "\\[value truncated: \\d+ bytes, sha256 [0-9a-f]{64}; value holds the first 65536]"));
        assertThat(letters).filteredOn(letter -> letter.getMessage().contains("[key truncated: " + hugeKey.length))
                .hasSize(1);
        assertThat(letters).filteredOn(letter -> letter.getMessage().contains("3000-01-01T00:00:00Z")).singleElement()
                .satisfies(letter -> assertThat(letter.getReason()).isEqualTo(DeadLetterReason.INVALID_FRAME));
    }

    @Test
    void transactionTimeoutAboveTheBrokersMaximumIsRefusedBeforeStart() {
        KafkaSettings tooLong = kafkaSettings("t", DeliveryGuarantee.EXACTLY_ONCE, Duration.ofHours(1));
        assertThatThrownBy(() -> TransactionTimeoutCheck.verify(tooLong, Duration.ofSeconds(20)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--transaction-timeout")
                .hasMessageContaining("transaction.max.timeout.ms");

        TransactionTimeoutCheck.verify(kafkaSettings("t", DeliveryGuarantee.EXACTLY_ONCE, Duration.ofMinutes(15)),
                Duration.ofSeconds(20));
        TransactionTimeoutCheck.verify(kafkaSettings("t", DeliveryGuarantee.AT_LEAST_ONCE, Duration.ofHours(1)),
                Duration.ofSeconds(20));
    }

    /** A stand-in pose model that finds nobody: what is tested is which frames reach it. */
    static final class NobodyPoseModel implements FramePoseModel {
        @Override
        public List<PersonPose> find(byte[] rgb, int width, int height) {
            return List.of();
        }

        @Override
        public String name() {
            return "nobody";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aPoseRateChoosesEachCamerasFramesByCaptureTimeAcrossTheKeyedExchange() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings settings = kafkaSettings(run, DeliveryGuarantee.EXACTLY_ONCE, Duration.ofMinutes(1));
        createTopicsFor(settings);
        String poses = "poses-" + run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(poses, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // three cameras at 7, 15 and 25 fps for 2 s, posed at 10 a second by capture time
        Map<String, Double> rates = Map.of("cam-7", 7.0, "cam-15", 15.0, "cam-25", 25.0);
        Map<String, List<Long>> expected = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Map.Entry<String, Double> camera : rates.entrySet()) {
            long lastSlot = Long.MIN_VALUE;
            for (int seq = 0; seq < 2 * camera.getValue(); seq++) {
                Frame frame = rgbFrame(camera.getKey(), seq, 16, 16, 100);
                long time = T0 + Math.round(seq * 1000 / camera.getValue());
                frame.setCaptureTime(Instant.ofEpochMilli(time));
                records.add(record(settings.framesTopic(), camera.getKey(), FRAMES.toBytes(frame)));
                if (Math.floorDiv(time, 100) > lastSlot) {
                    lastSlot = Math.floorDiv(time, 100);
                    expected.computeIfAbsent(camera.getKey(), c -> new ArrayList<>()).add((long) seq);
                }
            }
        }
        produce(records);

        PeopleSettings people = PeopleSettings.of("nobody", "1", 0, PeopleSettings.DEFAULT_POSE_EVERY, 0.2f, 16, poses,
                Duration.ofMinutes(5)).withPoseFps(10);
        ClipstreamJob job = new ClipstreamJob(config(settings), MODEL_SIZE,
                FramesTopicSource.kafkaUntil(settings, OffsetsInitializer.latest()),
                new BrightnessClassifier("pose-rate-" + run), KafkaSinks.events(settings),
                KafkaSinks.deadLetters(settings)).withPeople(people, NobodyPoseModel::new,
                KafkaSinks.poses(settings, poses));
        runToCompletion(job);

        Map<String, List<Long>> posed = new HashMap<>();
        for (PersonPoses record : readCommitted(poses, RecordDecoder.of(PersonPoses.class))) {
            posed.computeIfAbsent(record.getCameraId(), c -> new ArrayList<>()).add(record.getSeq());
        }
        assertThat(posed).isEqualTo(expected);
        assertThat(posed.get("cam-7")).as("slower than the pose rate: every frame").hasSize(14);
        assertThat(posed.get("cam-25")).as("2 s span 20 or 21 slots of 100 ms").hasSizeBetween(20, 21);
    }

    /** Runs a bounded job to its end; any failure fails the job at once (no restarts) and so the test. */
    private static final Path STORE = Path.of("..", "model-store");
    private static final int CAMERAS = 4;
    private static final int SEGMENTS_PER_CAMERA = 4;

    @Test
    void motionClipsFromSeveralCamerasAreLabelledByTheDefaultModel() throws Exception {
        assertThat(STORE.resolve("models/c3d-small/CURRENT")).as("the committed default model").isRegularFile();
        ModelManifest manifest = new ModelStore(STORE).describe("c3d-small", null).manifest();
        int length = manifest.frames();
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings kafka = new KafkaSettings(bootstrap(), "frames-" + run,
                "clip-events-" + run, "frames-dlq-" + run, "g-" + run, DeliveryGuarantee.EXACTLY_ONCE, "cs-" + run,
                Duration.ofMinutes(1), Map.of());
        createTopicsFor(kafka);

        // tumbling clips aligned with the generator's one-action segments: each clip has one true label
        List<SyntheticCamera> cameras = new ArrayList<>();
        for (int c = 0; c < CAMERAS; c++) {
            cameras.add(new SyntheticCamera(manifest.width(), manifest.height(), Optional.empty(), length, 1000 + c));
        }
        RecordEncoder<Frame> encoder = RecordEncoder.of(Frame.class);
        var records = new ArrayList<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>>();
        for (long seq = 0; seq < (long) SEGMENTS_PER_CAMERA * length; seq++) {
            for (int c = 0; c < CAMERAS; c++) {
                Frame frame = Frame.newBuilder().setCameraId("cam-" + c).setSeq(seq)
                        .setCaptureTime(Instant.ofEpochMilli(T0 + seq * 40))
                        .setWidth(manifest.width()).setHeight(manifest.height()).setEncoding(FrameEncoding.RGB24)
                        .setData(ByteBuffer.wrap(cameras.get(c).frame(seq))).build();
                records.add(record(kafka.framesTopic(), "cam-" + c, encoder.toBytes(frame)));
            }
        }
        produce(records);

        ModelSettings model = new ModelSettings(STORE.toString(), "c3d-small", manifest.version(), "cpu", 2, 1, 3);
        JobConfig config = new JobConfig(kafka,
                new ClipSettings(length, length, 2, Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofMinutes(5), 1 << 22),
                model, new BatchSettings(4, Duration.ofMillis(100)), new RuntimeSettings(2, Duration.ofMillis(500), null));
        ClipstreamJob job = new ClipstreamJob(config, new FrameSize(manifest.width(), manifest.height()),
                FramesTopicSource.kafkaUntil(kafka, OffsetsInitializer.latest()), new StoreClassifier(model),
                KafkaSinks.events(kafka), KafkaSinks.deadLetters(kafka));
        runToCompletion(job);

        List<ClipEvent> events = readCommitted(kafka.eventsTopic(), RecordDecoder.of(ClipEvent.class));
        assertThat(events).hasSize(CAMERAS * SEGMENTS_PER_CAMERA);
        assertThat(events).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        long right = events.stream().filter(e -> e.getLabel().equals(
                cameras.get(Integer.parseInt(e.getCameraId().substring(4))).actionAt(e.getFirstSeq()).label())).count();
        assertThat((double) right / events.size()).as("share of right labels").isGreaterThanOrEqualTo(0.9);
        assertThat(events).allSatisfy(e -> assertThat(e.getModelVersion()).isEqualTo(manifest.version()));
    }

    /**
     * A stream model through the whole job twice, on the same frames from Kafka (3 cameras, one of them with 2 frames
     * missing, which the assembler fills): clip by clip, then as streams (chunks of one stride, each camera's state in
     * keyed state across 2 parallel subtasks). The events are the same clips with the same ids and fields; each
     * camera's first clip (no frames before it) has the clip mode's label and score, the later ones differ only by
     * the context the stream keeps.
     */
    @Test
    void aStreamModelGivesTheSameClipsEventsAsClipByClip(@org.junit.jupiter.api.io.TempDir Path store)
            throws Exception {
        clipstream.model.zoo.NetworkPlan plan = clipstream.model.zoo.NetworkPlan.of(clipstream.model.zoo.ModelZoo
                .architecture(clipstream.model.zoo.ModelZoo.C3D_SMALL_STREAM,
                        new clipstream.model.store.InputShape(32, 16, 16, 3), 3));
        String version = new clipstream.model.train.TrainingRun(new ModelStore(store),
                new clipstream.model.train.TrainingOptions(1, 4, 1e-3, 1, 0, 1), null)
                .publish("stream", plan, new clipstream.model.store.Normalization(new float[] {128, 128, 128},
                                new float[] {64, 64, 64}), clipstream.model.train.WeightInit.initial(plan, 9),
                        clipstream.model.eval.Evaluation.of(List.of("a", "b", "c"), new int[] {0, 1, 2},
                                new int[] {0, 1, 2}), List.of(),
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), 3, 3)
                .manifest().version();
        ModelSettings model = new ModelSettings(store.toString(), "stream", version, "cpu", 1, 1, 3);
        String run = UUID.randomUUID().toString().substring(0, 8);
        KafkaSettings frames = kafkaSettings(run, DeliveryGuarantee.EXACTLY_ONCE, Duration.ofMinutes(1));
        createTopicsFor(frames);
        var records = new ArrayList<ProducerRecord<byte[], byte[]>>();
        java.util.Random random = new java.util.Random(17);
        for (long seq = 0; seq < 96; seq++) {
            for (String camera : List.of("cam-a", "cam-b", "cam-c")) {
                if (camera.equals("cam-c") && (seq == 40 || seq == 41)) {
                    continue; // filled by the assembler (max gap 2)
                }
                byte[] pixels = new byte[16 * 16 * 3];
                random.nextBytes(pixels);
                records.add(record(frames.framesTopic(), camera, FRAMES.toBytes(
                        frame(camera, seq, 16, 16, FrameEncoding.RGB24, pixels))));
            }
        }
        produce(records);

        Map<String, ClipEvent> byMode = new HashMap<>();
        Map<String, List<ClipEvent>> events = new HashMap<>();
        for (String mode : List.of("clips", "stream")) {
            KafkaSettings kafka = new KafkaSettings(bootstrap(), frames.framesTopic(), "events-" + mode + "-" + run,
                    "dlq-" + mode + "-" + run, "g-" + mode + "-" + run, DeliveryGuarantee.EXACTLY_ONCE,
                    "tx-" + mode + "-" + run, Duration.ofMinutes(1), Map.of());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(kafka.eventsTopic(), 2, (short) 1),
                        new NewTopic(kafka.deadLetterTopic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                EmbeddedKafka.awaitWritable(admin, List.of(kafka.eventsTopic(), kafka.deadLetterTopic()),
                        Duration.ofSeconds(30));
            }
            JobConfig config = new JobConfig(kafka, new ClipSettings(32, 16, 2, Duration.ofMillis(500),
                    Duration.ofSeconds(1), Duration.ofMinutes(5), 1 << 20), model,
                    new BatchSettings(4, Duration.ofMillis(50)), new RuntimeSettings(2, Duration.ofMillis(300), null));
            ClipstreamJob job = new ClipstreamJob(config, new FrameSize(16, 16),
                    FramesTopicSource.kafkaUntil(kafka, OffsetsInitializer.latest()), new StoreClassifier(model),
                    KafkaSinks.events(kafka), KafkaSinks.deadLetters(kafka));
            if (mode.equals("stream")) {
                job.withStreamInference(new clipstream.job.inference.StoreStreamClassifier(model));
            }
            runToCompletion(job);
            events.put(mode, readCommitted(kafka.eventsTopic(), RecordDecoder.of(ClipEvent.class)));
        }

        List<ClipEvent> clips = events.get("clips");
        List<ClipEvent> stream = events.get("stream");
        // clips starting at 0, 16, ..., 64 of 96 frames: 5 per camera
        assertThat(clips).hasSize(15);
        assertThat(stream).extracting(ClipEvent::getEventId)
                .containsExactlyInAnyOrderElementsOf(clips.stream().map(ClipEvent::getEventId).toList());
        clips.forEach(e -> byMode.put(e.getEventId(), e));
        for (ClipEvent event : stream) {
            ClipEvent clip = byMode.get(event.getEventId());
            assertThat(event.getFirstSeq()).isEqualTo(clip.getFirstSeq());
            assertThat(event.getLastSeq()).isEqualTo(clip.getLastSeq());
            assertThat(event.getStartTime()).isEqualTo(clip.getStartTime());
            assertThat(event.getEndTime()).isEqualTo(clip.getEndTime());
            assertThat(event.getFramesFilled()).as("filled frames of %s", event.getEventId())
                    .isEqualTo(clip.getFramesFilled());
            if (event.getFirstSeq() == 0) {
                assertThat(event.getLabel()).isEqualTo(clip.getLabel());
                assertThat((double) event.getScore()).isCloseTo(clip.getScore(),
                        org.assertj.core.api.Assertions.within(1e-4));
            }
        }
        assertThat(stream).filteredOn(e -> e.getCameraId().equals("cam-c")).extracting(ClipEvent::getFramesFilled)
                .contains(2);
    }

    static void runToCompletion(ClipstreamJob job) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        JobClient client = job.start(env);
        client.getJobExecutionResult().get(90, TimeUnit.SECONDS);
    }

    static Frame rgbFrame(String camera, long seq, int width, int height, int level) {
        byte[] data = new byte[width * height * 3];
        Arrays.fill(data, (byte) level);
        return frame(camera, seq, width, height, FrameEncoding.RGB24, data);
    }

    static Frame frame(String camera, long seq, int width, int height, FrameEncoding encoding, byte[] data) {
        return Frame.newBuilder().setCameraId(camera).setSeq(seq)
                .setCaptureTime(Instant.ofEpochMilli(T0 + seq * 40)).setWidth(width).setHeight(height)
                .setEncoding(encoding).setData(ByteBuffer.wrap(data)).build();
    }

    private static Frame jpegFrame(String camera, long seq, int width, int height, Color color) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return frame(camera, seq, width, height, FrameEncoding.JPEG, out.toByteArray());
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties config = new Properties();
        config.put("bootstrap.servers", kafka.bootstrapServers());
        config.put("acks", "all");
        config.put("max.request.size", Integer.toString(4 << 20));
        try (var producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
            for (var record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            for (var result : sent) {
                result.get(60, TimeUnit.SECONDS); // a record the broker did not take fails the test here, not later
            }
        }
    }

    /**
     * The read_committed end offsets once no transaction is open on {@code partitions}: the last stable offset
     * equals the log end. A job's final commit returns before the broker has written its commit markers, and until
     * then the LSO still stands before the transaction, so reading "up to the end" right away could see nothing.
     */
    private static Map<TopicPartition, Long> settledEnd(KafkaConsumer<byte[], byte[]> committed,
            List<TopicPartition> partitions, long deadline) {
        Properties config = new Properties();
        config.put("bootstrap.servers", kafka.bootstrapServers());
        config.put("isolation.level", "read_uncommitted");
        try (var uncommitted = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            while (true) {
                Map<TopicPartition, Long> stable = committed.endOffsets(partitions);
                Map<TopicPartition, Long> logEnd = uncommitted.endOffsets(partitions);
                if (stable.equals(logEnd)) {
                    return stable;
                }
                assertThat(System.nanoTime()).as("transactions still open on %s: stable %s, log end %s", partitions,
                        stable, logEnd).isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling the broker with a deadline
            }
        }
    }

    /** Every committed record of a topic, decoded; reads up to the end offsets (read_committed: the LSO). */
    static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(String topic,
            RecordDecoder<T> decoder) throws Exception {
        Properties config = new Properties();
        config.put("bootstrap.servers", kafka.bootstrapServers());
        config.put("isolation.level", "read_committed");
        config.put("enable.auto.commit", "false");
        List<T> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Map<TopicPartition, Long> end = settledEnd(consumer, partitions, deadline);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading %s up to %s", topic, end).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(decoder.decode(record.value()));
                }
            }
        }
        return values;
    }
}

package clipstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clipstream.common.kafka.TopicReadiness;
import clipstream.common.retry.Backoff;
import clipstream.ingest.cli.IngestCommandRunner;
import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.publish.MessageSizeLimit;
import clipstream.ingest.publish.PublishedSeqs;
import clipstream.ingest.publish.TopicLimits;
import clipstream.ingest.source.MjpegServer;
import clipstream.ingest.source.SourceSpec;
import clipstream.ingest.source.TestFootage;
import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.kafka.AvroDeserializer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest into a real single-node KRaft broker in this JVM, read back with the schemas module's deserializer. */
class KafkaIngestTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static EmbeddedKafka cluster;

    private KafkaProducer<String, Frame> producer;
    private String topic;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        // most cases write to a topic nobody created: ingest must work where the cluster creates it on first write
        cluster = EmbeddedKafka.start(Map.of("auto.create.topics.enable", "true"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void newTopicAndProducer() {
        topic = "frames-" + UUID.randomUUID();
        producer = FrameProducers.create(FrameProducers.properties(cluster.bootstrapServers(), Map.of()));
    }

    @AfterEach
    void closeProducer() {
        producer.close();
    }

    @Test
    void readinessSaysMissingForAnUnknownTopicAndReadyOnceEveryPartitionAnswers() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            assertThat(TopicReadiness.await(admin, List.of(topic), Duration.ofSeconds(10)))
                    .isEqualTo(TopicReadiness.State.MISSING);
            assertThatThrownBy(() -> TopicReadiness.awaitCreated(admin, List.of(topic),
                    Duration.ofMillis(500))).as("a topic that was never created is waited for, then named")
                    .isInstanceOf(java.util.concurrent.TimeoutException.class).hasMessageContaining(topic);

            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitCreated(admin, List.of(topic), Duration.ofSeconds(30));
            assertThat(TopicReadiness.await(admin, List.of(topic), Duration.ofSeconds(30)))
                    .isEqualTo(TopicReadiness.State.READY);
            var latest = new java.util.HashMap<org.apache.kafka.common.TopicPartition,
                    org.apache.kafka.clients.admin.OffsetSpec>();
            for (int p = 0; p < 6; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topic, p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            assertThat(admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS)).hasSize(6)
                    .allSatisfy((partition, offset) -> assertThat(offset.offset()).isZero());
        }
    }

    @Test
    void syntheticCamerasArePublishedKeyedByCameraAndReadBackExactly() throws Exception {
        IngestSettings settings = IngestSettings.defaults(topic, 64, 64).withPacing(Pacing.FAST).withMaxFrames(40)
                .withStartSeq(1_000);
        SourceSpec.Synthetic left = new SourceSpec.Synthetic(Optional.of(MotionAction.LEFT), 1, 16);
        SourceSpec.Synthetic random = new SourceSpec.Synthetic(Optional.empty(), 2, 16);
        IngestSummary summary = run(settings, List.of(new CameraSpec("cam-a", left), new CameraSpec("cam-b", random)));

        assertThat(summary.anyFailed()).isFalse();
        assertThat(summary.cameras()).allSatisfy(camera -> {
            assertThat(camera.state()).isEqualTo(CameraState.COMPLETED);
            assertThat(camera.acked()).isEqualTo(40);
            assertThat(camera.firstSeq()).isEqualTo(1_000);
            assertThat(camera.lastSeq()).isEqualTo(1_039);
        });
        Map<String, List<ConsumerRecord<String, Frame>>> byCamera = readAll(80).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key));
        assertExactly(byCamera.get("cam-a"), new SyntheticCamera(64, 64, Optional.of(MotionAction.LEFT), 16, 1));
        assertExactly(byCamera.get("cam-b"), new SyntheticCamera(64, 64, Optional.empty(), 16, 2));
    }

    @Test
    void videoFileIsPublishedAsJpegFramesOfTheOutputSize() throws Exception {
        Path video = TestFootage.video(dir.resolve("walk.mp4"), 320, 240, 30);
        IngestSettings settings = IngestSettings.defaults(topic, 112, 112).withPacing(Pacing.FAST)
                .withEncoding(FrameEncoding.JPEG, 0.8f);
        IngestSummary summary = run(settings, List.of(CameraSpec.parse("door=" + video)));

        assertThat(summary.cameras().get(0).state()).isEqualTo(CameraState.COMPLETED);
        List<ConsumerRecord<String, Frame>> records = readAll(30);
        assertThat(records).extracting(r -> r.value().getSeq()).containsExactlyElementsOf(range(0, 30));
        for (ConsumerRecord<String, Frame> record : records) {
            Frame frame = record.value();
            assertThat(frame.getEncoding()).isEqualTo(FrameEncoding.JPEG);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(frame.getData())));
            assertThat(image.getWidth()).isEqualTo(112);
            assertThat(image.getHeight()).isEqualTo(112);
        }
        // capture times follow the file's timestamps: 25 fps
        assertThat(records.get(29).value().getCaptureTime().toEpochMilli()
                - records.get(0).value().getCaptureTime().toEpochMilli()).isEqualTo(29 * 40);
    }

    @Test
    void liveStreamThatEndsReconnectsAndContinuesItsSeq() throws Exception {
        try (MjpegServer camera = new MjpegServer(List.of(Color.RED, Color.GREEN), 15, MjpegServer.Ending.CLOSE)) {
            IngestSettings settings = IngestSettings.defaults(topic, 32, 32).withMaxFrames(40).withBufferFrames(1_000)
                    .withReconnect(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 20),
                            Duration.ofSeconds(5));
            IngestSummary summary = run(settings, List.of(CameraSpec.parse("gate=" + camera.url())));

            IngestSummary.CameraResult gate = summary.cameras().get(0);
            assertThat(gate.state()).isEqualTo(CameraState.COMPLETED);
            assertThat(gate.reconnects()).isEqualTo(1);
            assertThat(gate.streamEnds()).as("the server closed the stream: an end, not an error").isEqualTo(1);
            assertThat(gate.streamDrops()).isZero();
            assertThat(gate.dropped()).isZero();
            assertThat(camera.connections()).isEqualTo(2);

            List<Frame> frames = readAll(40).stream().map(ConsumerRecord::value).toList();
            assertThat(frames).extracting(Frame::getSeq).containsExactlyElementsOf(range(0, 40));
            for (Frame frame : frames) {
                int expected = frame.getSeq() < 15 ? 0 : 1; // red before the drop, green after
                assertThat(dominantChannel(frame)).as("colour of seq %d", frame.getSeq()).isEqualTo(expected);
            }
            assertThat(frames).extracting(f -> f.getCaptureTime().toEpochMilli()).isSorted();
        }
    }

    @Test
    void oversizedFramesFailTheirCameraNamingTheSettingWhileOthersCarryOn() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000")))).all().get();
        }
        Properties props = FrameProducers.properties(cluster.bootstrapServers(), Map.of());
        MessageSizeLimit limit = TopicLimits.forTopic(props, topic, Duration.ofSeconds(10));
        assertThat(limit.bytes()).isEqualTo(20_000);

        IngestSettings settings = IngestSettings.defaults(topic, 112, 112).withPacing(Pacing.FAST).withMaxFrames(10)
                .withSizeLimit(limit);
        producer.close();
        producer = FrameProducers.create(FrameProducers.fitBatchesTo(props, limit)); // batches fit the topic too
        IngestSettings jpeg = settings.withEncoding(FrameEncoding.JPEG, 0.8f);
        CameraSpec big = CameraSpec.parse("big=synthetic:left");
        CameraSpec small = CameraSpec.parse("small=synthetic:right");
        IngestSummary rgb = run(settings, List.of(big));
        IngestSummary compressed = run(jpeg, List.of(small));

        assertThat(rgb.cameras().get(0).state()).isEqualTo(CameraState.FAILED);
        assertThat(rgb.cameras().get(0).failure()).contains("big", "max.message.bytes", "--encoding JPEG");
        assertThat(compressed.cameras().get(0).state()).isEqualTo(CameraState.COMPLETED);
        assertThat(readAll(10)).allSatisfy(r -> assertThat(r.key()).isEqualTo("small"));
    }

    @Test
    void sourceThatCannotBeOpenedFailsOnlyItsCamera() throws Exception {
        String missing = dir.resolve("missing.mp4").toString();
        IngestSettings settings = IngestSettings.defaults(topic, 64, 64).withPacing(Pacing.FAST).withMaxFrames(5);
        IngestSummary summary = run(settings, List.of(CameraSpec.parse("bad=" + missing),
                CameraSpec.parse("good=synthetic:up")));

        assertThat(summary.anyFailed()).isTrue();
        assertThat(summary.cameras().get(0).state()).isEqualTo(CameraState.FAILED);
        assertThat(summary.cameras().get(0).failure()).contains(missing);
        assertThat(summary.cameras().get(1).state()).isEqualTo(CameraState.COMPLETED);
        assertThat(readAll(5)).extracting(ConsumerRecord::key).containsOnly("good");
        assertThat(summary.render()).contains("camera bad failed: ").contains(missing);
    }

    @Test
    void stopFlushesEverythingReadFromALiveCamera() throws Exception {
        // real time synthetic cameras are live: they run until stopped
        IngestSettings settings = IngestSettings.defaults(topic, 64, 64).withFps(50);
        IngestRunner runner = new IngestRunner(settings, List.of(CameraSpec.parse("live=synthetic:random")), producer);
        runner.start();
        CameraStats live = runner.stats().get(0);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (live.acked() < 10) {
            assertThat(System.nanoTime()).as("10 frames acknowledged in time").isLessThan(deadline);
            assertThat(runner.awaitSummary(Duration.ofMillis(20))).as("a live camera does not end by itself").isNull();
        }
        runner.stop();
        IngestSummary summary = runner.awaitSummary(DEADLINE);

        IngestSummary.CameraResult result = summary.cameras().get(0);
        assertThat(result.state()).isEqualTo(CameraState.STOPPED);
        assertThat(result.acked()).isEqualTo(result.frames()).isGreaterThanOrEqualTo(10);
        List<ConsumerRecord<String, Frame>> records = readAll((int) result.frames());
        assertThat(records).extracting(r -> r.value().getSeq()).containsExactlyElementsOf(range(0, (int) result.frames()));
    }

    @Test
    void aRestartedIngestContinuesEachCameraRightAfterItsLastSeqOnTheTopic() throws Exception {
        String[] args = {"--bootstrap", cluster.bootstrapServers(), "--camera", "porch=synthetic:left",
            "--camera", "hall=synthetic:random", "--topic", topic, "--size", "32x32", "--fast", "--max-frames", "20",
            "--progress", "0"};
        for (int run = 1; run <= 2; run++) {
            IngestCommandRunner.Result result = IngestCommandRunner.run(args);
            assertThat(result.exitCode()).as("run %d: %s", run, result.err()).isZero();
        }

        Map<String, List<Long>> seqs = readAll(80).stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(r -> r.value().getSeq(), Collectors.toList())));
        assertThat(seqs).containsOnlyKeys("porch", "hall").allSatisfy((camera, cameraSeqs) ->
                assertThat(cameraSeqs).as("seqs of %s over both runs", camera)
                        .containsExactlyElementsOf(range(cameraSeqs.get(0), 40)));
    }

    @Test
    void aStoppedCameraStartedAgainContinuesRightAfterItsLastAcknowledgedSeq() throws Exception {
        // a real time synthetic camera is live: it runs until stopped, and new cameras start at seq 0
        IngestSettings settings = IngestSettings.defaults(topic, 32, 32).withFps(50).withResumeSeq(true);
        PublishedSeqs published = new PublishedSeqs(FrameProducers.properties(cluster.bootstrapServers(), Map.of()),
                Duration.ofSeconds(10));
        IngestSummary.CameraResult first = runUntilStopped(settings, published, 10);
        IngestSummary.CameraResult second = runUntilStopped(settings, published, 10);

        assertThat(first.firstSeq()).isZero();
        assertThat(first.acked()).isEqualTo(first.frames());
        assertThat(second.firstSeq()).isEqualTo(first.lastSeq() + 1);
        int total = (int) (first.frames() + second.frames());
        assertThat(readAll(total)).extracting(r -> r.value().getSeq()).containsExactlyElementsOf(range(0, total));
    }

    /** Runs one live synthetic camera until {@code acked} frames are acknowledged, then stops it. */
    private IngestSummary.CameraResult runUntilStopped(IngestSettings settings, PublishedSeqs published, long acked)
            throws InterruptedException {
        IngestRunner runner = new IngestRunner(settings, List.of(CameraSpec.parse("yard=synthetic:random")),
                producer, published);
        runner.start();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (runner.stats().get(0).acked() < acked) {
            assertThat(System.nanoTime()).as("%d frames acknowledged in time", acked).isLessThan(deadline);
            Thread.sleep(20);
        }
        runner.stop();
        IngestSummary summary = runner.awaitSummary(DEADLINE);
        assertThat(summary).as("stopped within %s", DEADLINE).isNotNull();
        assertThat(summary.cameras().get(0).state()).isEqualTo(CameraState.STOPPED);
        return summary.cameras().get(0);
    }

    @Test
    void commandLinePublishesAndExitsZero() throws Exception {
        IngestCommandRunner.Result result = IngestCommandRunner.run("--bootstrap", cluster.bootstrapServers(),
                "--camera", "cli-1=synthetic:blink", "--camera", "cli-2=synthetic:random?seed=3",
                "--topic", topic, "--size", "48x32", "--fast", "--max-frames", "12", "--progress", "0");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("cli-1", "cli-2", "COMPLETED");
        List<ConsumerRecord<String, Frame>> records = readAll(24);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.value().getWidth()).isEqualTo(48);
            assertThat(r.value().getHeight()).isEqualTo(32);
        });
    }

    private IngestSummary run(IngestSettings settings, List<CameraSpec> cameras) throws InterruptedException {
        IngestRunner runner = new IngestRunner(settings, cameras, producer);
        runner.start();
        IngestSummary summary = runner.awaitSummary(DEADLINE);
        assertThat(summary).as("ingest finished within %s", DEADLINE).isNotNull();
        return summary;
    }

    /** Reads the topic from the start until {@code expected} records arrived, then checks nothing more is there. */
    private List<ConsumerRecord<String, Frame>> readAll(int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, Frame>> records = new ArrayList<>();
        try (KafkaConsumer<String, Frame> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new AvroDeserializer<>(Frame.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }

    private static void assertExactly(List<ConsumerRecord<String, Frame>> records, SyntheticCamera reference) {
        assertThat(records).extracting(r -> r.value().getSeq()).containsExactlyElementsOf(range(1_000, 40));
        long previous = Long.MIN_VALUE;
        for (ConsumerRecord<String, Frame> record : records) {
            Frame frame = record.value();
            assertThat(frame.getCameraId().toString()).isEqualTo(record.key());
            assertThat(frame.getEncoding()).isEqualTo(FrameEncoding.RGB24);
            assertThat(bytes(frame.getData())).as("pixels of seq %d", frame.getSeq())
                    .isEqualTo(reference.frame(frame.getSeq()));
            long time = frame.getCaptureTime().toEpochMilli();
            if (previous != Long.MIN_VALUE) {
                assertThat(time - previous).isEqualTo(40); // 25 fps synthetic media time
            }
            previous = time;
        }
    }

    private static List<Long> range(long from, int count) {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(from + i);
        }
        return values;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static int dominantChannel(Frame frame) {
        byte[] rgb = bytes(frame.getData());
        long[] sums = new long[3];
        for (int i = 0; i < rgb.length; i++) {
            sums[i % 3] += rgb[i] & 0xFF;
        }
        return sums[0] >= sums[1] && sums[0] >= sums[2] ? 0 : sums[1] >= sums[2] ? 1 : 2;
    }
}

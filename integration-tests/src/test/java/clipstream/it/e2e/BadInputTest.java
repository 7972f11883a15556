package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.job.config.KafkaSettings;
import clipstream.model.store.ModelManifest;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every kind of bad record between valid frames: two cameras stream 3 clips each, then a raw producer writes a
 * duplicate frame and one record of every kind the job refuses, then the cameras stream 3 more clips. All on one
 * partition, so the order is exact. The valid clips must all give their events, every refused record must be in
 * the dead-letter topic exactly once with its reason, the duplicate must be dropped (the job's clip semantics: a
 * frame seen twice is dropped once, counted in the {@code framesDuplicate} metric), and the job must never have
 * restarted (restarts are off: a single exception would fail it).
 */
class BadInputTest {
    private static final int CAMERAS = 2;
    private static final int CLIPS_PER_PHASE = 3;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(1);

    @Test
    void validClipsStillGiveTheirEventsAndEveryBadRecordIsDeadLetteredOnceWithItsReason() throws Exception {
        ModelManifest model = E2eJobs.manifest();
        int clipLength = model.frames();
        long framesPerPhase = (long) CLIPS_PER_PHASE * clipLength;
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        STACK.kafka().createTopics(Map.of(frames, 1, events, 1, dlq, 1));
        // (ids only: here both cameras share the one partition)
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        KafkaSettings settings = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq, E2eJobs.unique("job"));

        Map<Long, DeadLetterReason> expectedLetters = new LinkedHashMap<>();
        Map<Long, byte[]> badValues = new TreeMap<>();
        long duplicateOffset;
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(settings, clipLength, Duration.ofMillis(500), false));
             var output = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class);
             var letters = new CommittedTopic<>(STACK.kafka().bootstrapServers(), dlq, DeadLetter.class);
             Admin admin = STACK.kafka().admin()) {
            job.awaitAllTasksRunning(TIMEOUT);
            ingest(cameras, frames, model, framesPerPhase, 0);
            output.awaitCount(CAMERAS * CLIPS_PER_PHASE, TIMEOUT, job, "events of the first clips");

            // every camera's clips are out: its last frame is placed, its window has moved past every earlier seq.
            // The bad frames carry the latest capture time so far: ahead of the watermark (which trails it by the
            // out-of-orderness bound) without moving it, so nothing valid after them turns late.
            Map<String, Frame> lastFrames = new TreeMap<>();
            for (String id : cameras.ids()) {
                lastFrames.put(id, RecordDecoder.of(Frame.class).decode(frameRecord(frames, id, framesPerPhase - 1)));
            }
            Frame newest = lastFrames.values().stream()
                    .max(java.util.Comparator.comparing(Frame::getCaptureTime)).orElseThrow();
            String camera = newest.getCameraId();
            byte[] lastFrame = frameRecord(frames, camera, framesPerPhase - 1);
            long newestCapture = newest.getCaptureTime().toEpochMilli();
            try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
                // first: the newest frame again, ahead of the watermark, so the validator lets it through and the
                // clip assembler drops it as a duplicate
                duplicateOffset = send(raw, frames, camera, lastFrame);
                put(expectedLetters, badValues, DeadLetterReason.UNDECODABLE, raw, frames, camera,
                        "definitely not a frame".getBytes(StandardCharsets.UTF_8));
                put(expectedLetters, badValues, DeadLetterReason.UNDECODABLE, raw, frames, camera,
                        Arrays.copyOf(lastFrame, 20)); // a truncated record
                put(expectedLetters, badValues, DeadLetterReason.UNDECODABLE, raw, frames, camera, null); // no value
                byte[] unknownSchema = lastFrame.clone();
                for (int i = 2; i < 10; i++) {
                    unknownSchema[i] ^= (byte) 0x5A; // the 8-byte schema fingerprint after the 0xC3 0x01 marker
                }
                put(expectedLetters, badValues, DeadLetterReason.UNKNOWN_SCHEMA, raw, frames, camera, unknownSchema);
                put(expectedLetters, badValues, DeadLetterReason.INVALID_FRAME, raw, frames, camera,
                        frame(camera, 5000, newestCapture, model.width(), model.height(), FrameEncoding.RGB24, new byte[100]));
                byte[] notJpeg = new byte[600];
                notJpeg[0] = (byte) 0xFF;
                notJpeg[1] = (byte) 0xD8; // a JPEG start marker, then nothing a decoder can use
                put(expectedLetters, badValues, DeadLetterReason.CORRUPT_IMAGE, raw, frames, camera,
                        frame(camera, 5001, newestCapture, model.width(), model.height(), FrameEncoding.JPEG, notJpeg));
                put(expectedLetters, badValues, DeadLetterReason.INVALID_CAMERA_ID, raw, frames, "bad camera!",
                        frame("bad camera!", 0, newestCapture, model.width(), model.height(), FrameEncoding.RGB24,
                                new byte[model.width() * model.height() * 3]));
                put(expectedLetters, badValues, DeadLetterReason.OVERSIZE, raw, frames, camera,
                        frame(camera, 5002, newestCapture, 4096, 4096, FrameEncoding.RGB24, new byte[100]));
                // late: an hour behind the watermark and its clip long gone (lateness is judged per camera by seq,
                // in the clip assembler, so a camera whose partition stalled behind the watermark loses nothing)
                long lateOld = put(expectedLetters, badValues, DeadLetterReason.LATE, raw, frames, camera,
                        frame(camera, 10, newestCapture - 3_600_000, model.width(), model.height(), FrameEncoding.RGB24,
                                new byte[model.width() * model.height() * 3]));
                badValues.put(lateOld, null);
                // late by seq: a recent capture time, but its clip has long moved on (refused by the clip assembler)
                long lateBySeq = put(expectedLetters, badValues, DeadLetterReason.LATE, raw, frames, camera,
                        frame(camera, 50, newestCapture, model.width(), model.height(), FrameEncoding.RGB24,
                                new byte[model.width() * model.height() * 3]));
                badValues.put(lateBySeq, null); // past validation frames travel decoded: the letter points at the record
            }
            // the cameras go on as real ones would, with capture times after those of their earlier frames
            // (ingest stamps frames from the wall clock; the first burst went faster than real time)
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.currentTimeMillis() <= newestCapture) {
                job.check();
                assertThat(System.nanoTime()).isLessThan(deadline);
                job.waitForResult(20);
            }
            ingest(cameras, frames, model, framesPerPhase, framesPerPhase);

            int expectedEvents = CAMERAS * CLIPS_PER_PHASE * 2;
            output.awaitCount(expectedEvents, TIMEOUT, job, "events of all valid clips");
            ExactlyOnceUnderFailureTest.awaitFramesCommitted(admin, settings.consumerGroup(), frames, job);
            letters.awaitCount(expectedLetters.size(), TIMEOUT, job, "dead letters");
            double duplicates = job.awaitMetric("assemble clips", "framesDuplicate", value -> value >= 1, TIMEOUT);

            List<ClipEvent> all = output.readToEnd(Duration.ofSeconds(30)).stream()
                    .map(CommittedTopic.Received::value).toList();
            List<DeadLetter> dead = letters.readToEnd(Duration.ofSeconds(30)).stream()
                    .map(CommittedTopic.Received::value).toList();

            job.check();
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(job.maxAttemptNumber()).as("attempt number: never restarted").isZero();
            assertThat(job.exceptionHistory()).as("exception history").isEmpty();

            assertThat(all).as("events").hasSize(expectedEvents);
            assertThat(all).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
            Set<String> expectedClips = new HashSet<>();
            for (String id : cameras.ids()) {
                for (long first = 0; first < 2 * framesPerPhase; first += clipLength) {
                    expectedClips.add(id + "#" + first);
                }
            }
            assertThat(all.stream().map(e -> e.getCameraId() + "#" + e.getFirstSeq()).collect(Collectors.toSet()))
                    .isEqualTo(expectedClips);
            assertThat(all).allSatisfy(e -> assertThat(e.getFramesFilled()).isZero());
            long correct = all.stream().filter(e -> cameras.label(e.getCameraId(), e.getFirstSeq(), e.getLastSeq())
                    .orElseThrow().equals(e.getLabel())).count();
            assertThat((double) correct / all.size()).as("share of right labels").isGreaterThanOrEqualTo(0.9);

            assertThat(dead).as("dead letters, one per bad record").hasSize(expectedLetters.size());
            Map<Long, DeadLetterReason> reasons = new TreeMap<>();
            for (DeadLetter letter : dead) {
                assertThat(letter.getSourceTopic()).isEqualTo(frames);
                assertThat(letter.getSourcePartition()).isZero();
                assertThat(letter.getMessage()).isNotBlank();
                assertThat(reasons.put(letter.getSourceOffset(), letter.getReason()))
                        .as("a second dead letter for offset %d", letter.getSourceOffset()).isNull();
                byte[] original = badValues.get(letter.getSourceOffset());
                assertThat(letter.getValue() == null ? null : bytes(letter.getValue()))
                        .as("value of the letter for offset %d", letter.getSourceOffset()).isEqualTo(original);
            }
            assertThat(reasons).isEqualTo(new TreeMap<>(expectedLetters));
            assertThat(reasons).doesNotContainKey(duplicateOffset);
            assertThat(duplicates).as("duplicate frames dropped").isEqualTo(1);
            System.out.printf("BadInputTest: %d events, dead letters by reason %s%n", all.size(),
                    dead.stream().collect(Collectors.groupingBy(l -> l.getReason().name(), TreeMap::new,
                            Collectors.counting())));
        }
    }

    private static void ingest(SyntheticCameras cameras, String topic, ModelManifest model, long frames, long startSeq)
            throws Exception {
        try (var ingest = cameras.ingest(STACK.kafka().bootstrapServers(), SyntheticCameras.settings(topic, model.width(),
                model.height(), frames, startSeq, null))) {
            ingest.await(Duration.ofSeconds(60), frames);
        }
    }

    /** The bytes of the frame {@code seq} of {@code camera} as the ingest code wrote it. */
    private static byte[] frameRecord(String topic, String camera, long seq) throws Exception {
        RecordDecoder<Frame> decoder = RecordDecoder.of(Frame.class);
        Properties properties = new Properties();
        properties.put("bootstrap.servers", STACK.kafka().bootstrapServers());
        try (var consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Frame frame = decoder.decode(record.value());
                    if (frame.getCameraId().equals(camera) && frame.getSeq() == seq) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("Frame " + seq + " of " + camera + " is not on " + topic);
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", STACK.kafka().bootstrapServers());
        properties.put("acks", "all");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record and returns its offset (sent one by one: the order on the partition is the order here). */
    private static long send(KafkaProducer<byte[], byte[]> raw, String topic, String key, byte[] value) throws Exception {
        return raw.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get().offset();
    }

    private static long put(Map<Long, DeadLetterReason> expected, Map<Long, byte[]> values, DeadLetterReason reason,
                            KafkaProducer<byte[], byte[]> raw, String topic, String key, byte[] value) throws Exception {
        long offset = send(raw, topic, key, value);
        expected.put(offset, reason);
        values.put(offset, value);
        return offset;
    }

    private static byte[] frame(String camera, long seq, long captureMillis, int width, int height,
                                FrameEncoding encoding, byte[] data) {
        return RecordEncoder.of(Frame.class).toBytes(Frame.newBuilder().setCameraId(camera).setSeq(seq)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis)).setWidth(width).setHeight(height)
                .setEncoding(encoding).setData(ByteBuffer.wrap(data)).build());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}

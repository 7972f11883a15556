package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.encode.PixelEncoder;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.config.ClipSettings;
import clipstream.job.config.KafkaSettings;
import clipstream.job.records.FrameDeadLetters;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.model.store.ModelManifest;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import clipstream.schema.kafka.AvroSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input cannot stop the job: thousands of records made from valid frames by seeded mutation
 * ({@link FrameFuzzer}: bits flipped, cut, extended, random bytes up to the topic's limit, extreme seqs and cameras
 * whose seqs jump back and forth or count up to {@link Long#MAX_VALUE}, extreme capture times, sizes and encodings,
 * bad and thousands of distinct camera ids, lying and cut JPEGs, unknown schemas) are
 * interleaved, record by record, with the frames of three valid cameras on the same partitions, while the job runs
 * on the committed default model, exactly-once, restarts off. The job must never fail or restart, every valid clip's
 * event must arrive exactly once, and every hostile record must be accounted for: its dead letter, with a reason
 * its bytes allow ({@link FuzzVerdict}), pointing at its offset and carrying its bytes (a prefix and hash of long
 * ones); or, for a record that decodes to a valid frame, a frame that went through (into a fuzz camera's clips,
 * dropped as a counted duplicate, or refused by the clip assembler with a letter). The job's own counters (REST)
 * must add up to the same: records in, letters per reason, frames on to the clip assembler.
 *
 * <p>The valid cameras send their first clip alone, so their state exists before the flood of new cameras fills
 * the assembler's {@code --max-cameras}. Their frames are made here with the schema's {@link Frame} and the real
 * {@link AvroSerializer} (one producer for everything, so the interleaving on each partition is the order written
 * here, reproducible from the seed); camera 0 sends JPEG, the others RGB24.
 *
 * <p>The seed is printed; {@code -Dclipstream.fuzz.seed=N} runs another. Every hostile record (partition, offset,
 * kind, mutation, verdict) is listed in {@code target/hostile-input-fuzz/records-SEED.tsv} before the waits start,
 * so a failing run names the records to replay.
 */
class HostileInputFuzzTest {
    private static final long DEFAULT_SEED = 0x5EED_F0220L;
    private static final int CAMERAS = 3;
    private static final int CLIPS_PER_CAMERA = 5;
    private static final int FUZZ_RECORDS = 3000;
    /** The frames topic's max.message.bytes: hostile values go up to it. */
    private static final int MAX_MESSAGE_BYTES = 2 << 20;
    /** Room a record needs besides its value on the broker (batch and record headers) and for a key. */
    private static final int RECORD_OVERHEAD = 1024;
    private static final long FRAME_MS = 40;
    private static final Duration CHECKPOINTS = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** How long after it was made a record may be read: the capture-time window moves with the job's clock. */
    private static final Duration READ_WITHIN = Duration.ofMinutes(4);
    private static final Path REPORT_DIR = Path.of("target", "hostile-input-fuzz");
    private static final RecordDecoder<Frame> FRAMES = RecordDecoder.of(Frame.class);

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(1);

    /** Where a record landed on the frames topic. */
    private record Origin(int partition, long offset) {
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** Bytes as the test keeps them: whole up to what a letter keeps whole, else that prefix, length and hash. */
    private record Kept(byte[] prefix, int length, String sha256) {
        static Kept of(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            return new Kept(Arrays.copyOf(bytes, Math.min(bytes.length, FrameDeadLetters.MAX_BYTES_KEPT)),
                    bytes.length, HostileInputFuzzTest.sha256(bytes));
        }

        boolean whole() {
            return prefix.length == length;
        }
    }

    /** A hostile record as sent: what it was, where it landed, its camera (if it decodes), the verdict on it. */
    private record Sent(String kind, String what, Origin origin, Kept key, Kept value, String camera,
                        FuzzVerdict verdict) {
        @Override
        public String toString() {
            return kind + " at " + origin + " (" + what + "; verdict " + verdict + ")";
        }
    }

    /** A valid camera: synthetic scenes of known motion, encoded as the camera sends them. */
    private record ValidCamera(String id, SyntheticCamera scene, PixelEncoder encoder) {
        Frame frame(long seq, long firstCaptureMillis) {
            return Frame.newBuilder().setCameraId(id).setSeq(seq)
                    .setCaptureTime(Instant.ofEpochMilli(firstCaptureMillis + seq * FRAME_MS))
                    .setWidth(scene.width()).setHeight(scene.height()).setEncoding(encoder.encoding())
                    .setData(encoder.encode(scene.frame(seq))).build();
        }
    }

    @Test
    void hostileRecordsAmongValidCamerasNeitherStopTheJobNorCostAValidClipAndEachIsAccountedFor() throws Exception {
        long seed = Long.getLong("clipstream.fuzz.seed", DEFAULT_SEED);
        System.out.printf("HostileInputFuzzTest: seed %d (another: -Dclipstream.fuzz.seed=N)%n", seed);
        long started = System.nanoTime();
        ModelManifest model = E2eJobs.manifest();
        int clipLength = model.frames();
        int framesPerCamera = CLIPS_PER_CAMERA * clipLength;
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        int maxMessageBytes = createTopics(frames, events, dlq);
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        List<ValidCamera> valid = validCameras(cameras, model);
        KafkaSettings settings = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq,
                E2eJobs.unique("job"));
        AvroSerializer<Frame> serializer = new AvroSerializer<>(Frame.class);

        List<Future<RecordMetadata>> validSends = new ArrayList<>();
        List<Sent> fuzz = new ArrayList<>();
        List<CommittedTopic.Received<ClipEvent>> received;
        List<CommittedTopic.Received<DeadLetter>> dead;
        Map<String, Double> metrics;
        long total;
        double sendSeconds;
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(settings, clipLength, CHECKPOINTS, false));
             var output = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class);
             var letters = new CommittedTopic<>(STACK.kafka().bootstrapServers(), dlq, DeadLetter.class);
             Admin admin = STACK.kafka().admin();
             KafkaProducer<byte[], byte[]> producer = producer(maxMessageBytes)) {
            job.awaitAllTasksRunning(TIMEOUT);
            long firstCapture = System.currentTimeMillis();
            FrameFuzzer fuzzer = new FrameFuzzer(seed, CAMERAS, maxMessageBytes - RECORD_OVERHEAD, clipLength,
                    Set.copyOf(cameras.ids()));

            // the valid cameras' first clip alone: their state exists before new cameras fill --max-cameras
            for (long seq = 0; seq < clipLength; seq++) {
                for (ValidCamera camera : valid) {
                    validSends.add(sendValid(producer, serializer, frames, camera.frame(seq, firstCapture), fuzzer));
                }
            }
            producer.flush();
            job.awaitMetric("assemble clips", "liveCameras", cameraCount -> cameraCount >= CAMERAS, TIMEOUT);

            // then valid frames and hostile records interleaved, record by record, on every partition
            long sendStarted = System.nanoTime();
            List<Pending> pending = sendInterleaved(producer, serializer, frames, valid, firstCapture, clipLength,
                    framesPerCamera, fuzzer, new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L), validSends);
            producer.flush();
            for (Pending sent : pending) {
                RecordMetadata metadata = sent.metadata().get(30, TimeUnit.SECONDS);
                fuzz.add(new Sent(sent.hostile().kind(), sent.hostile().what(),
                        new Origin(metadata.partition(), metadata.offset()), Kept.of(sent.hostile().key()),
                        Kept.of(sent.hostile().value()), sent.camera(), sent.verdict()));
            }
            pending.clear(); // let the large values go
            sendSeconds = (System.nanoTime() - sendStarted) / 1e9;
            total = validSends.size() + fuzz.size();
            Path report = writeRecords(seed, fuzz);
            System.out.printf("HostileInputFuzzTest: %d valid frames and %d hostile records on %d partitions in %.1f s;"
                    + " the hostile ones are listed in %s%n", validSends.size(), fuzz.size(), CAMERAS, sendSeconds,
                    report.toAbsolutePath());

            int expectedValidEvents = CAMERAS * CLIPS_PER_CAMERA;
            output.awaitUntil(r -> ofCameras(r, cameras.ids()).size() >= expectedValidEvents, TIMEOUT, job,
                    expectedValidEvents + " events of the valid cameras");
            long read = total;
            job.awaitMetric("validate frames", "framesIn", in -> in >= read, TIMEOUT);
            ExactlyOnceUnderFailureTest.awaitFramesCommitted(admin, settings.consumerGroup(), frames, job);
            // two checkpoints more: every letter written before the last offsets were committed is committed too
            awaitCheckpoints(job, completedCheckpoints(job) + 2);
            received = output.readToEnd(Duration.ofSeconds(30));
            dead = letters.readToEnd(Duration.ofSeconds(30));
            metrics(job); // the REST API fetches metrics when asked: ask, wait for the fetch, ask again
            job.waitForResult(1_500);
            metrics = metrics(job);

            job.check();
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            assertThat(job.maxAttemptNumber()).as("attempt number: never restarted").isZero();
            assertThat(job.exceptionHistory()).as("exception history").isEmpty();
        } finally {
            valid.forEach(camera -> camera.encoder().close());
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<Origin, List<DeadLetter>> lettersByOrigin = new HashMap<>();
        for (CommittedTopic.Received<DeadLetter> letter : dead) {
            DeadLetter value = letter.value();
            assertThat(value.getSourceTopic()).isEqualTo(frames);
            lettersByOrigin.computeIfAbsent(new Origin(value.getSourcePartition(), value.getSourceOffset()),
                    o -> new ArrayList<>()).add(value);
        }
        printTables(seed, fuzz, lettersByOrigin, dead, received, metrics, cameras.ids(), seconds, sendSeconds);

        assertValidCamerasLostNothing(received, cameras, clipLength, framesPerCamera, validSends, lettersByOrigin);
        assertEveryHostileRecordIsAccountedFor(fuzz, lettersByOrigin, frames);
        assertTheJobsCountersAddUp(metrics, dead, total, fuzz);
        assertThat(received).extracting(r -> r.value().getEventId()).as("event ids, all cameras").doesNotHaveDuplicates();
    }

    /** A hostile record on its way: its future offset, its camera and the verdict on it. */
    private record Pending(FrameFuzzer.Hostile hostile, Future<RecordMetadata> metadata, String camera,
                           FuzzVerdict verdict) {
    }

    /**
     * Sends the valid cameras' frames from the second clip on, each followed by a seeded number of hostile records
     * ({@link #FUZZ_RECORDS} in all, the rest after the last valid frame), among the first of them the camera that
     * counts up to the end of the seq range; returns the hostile records on their way.
     */
    private static List<Pending> sendInterleaved(KafkaProducer<byte[], byte[]> producer, AvroSerializer<Frame> serializer,
                                                 String topic, List<ValidCamera> valid, long firstCapture,
                                                 int clipLength, int framesPerCamera, FrameFuzzer fuzzer,
                                                 SplittableRandom interleave, List<Future<RecordMetadata>> validSends) {
        int validLeft = valid.size() * (framesPerCamera - clipLength);
        int topOfRangeAt = 50 + interleave.nextInt(100);
        boolean topOfRangeSent = false;
        List<Pending> pending = new ArrayList<>();
        for (long seq = clipLength; seq < framesPerCamera; seq++) {
            for (ValidCamera camera : valid) {
                validSends.add(sendValid(producer, serializer, topic, camera.frame(seq, firstCapture), fuzzer));
                // on average as many hostile records after each valid frame as are left per valid frame left
                int twiceTheShare = Math.max(0, 2 * (FUZZ_RECORDS - pending.size()) / validLeft--);
                int due = pending.size() + interleave.nextInt(twiceTheShare + 1);
                while (pending.size() < due) {
                    boolean topOfRange = !topOfRangeSent && pending.size() >= topOfRangeAt;
                    topOfRangeSent |= topOfRange;
                    sendHostile(producer, topic, topOfRange ? fuzzer.topOfTheSeqRange() : fuzzer.next(), fuzzer,
                            pending);
                }
            }
        }
        while (pending.size() < FUZZ_RECORDS) {
            sendHostile(producer, topic, fuzzer.next(), fuzzer, pending);
        }
        return pending;
    }

    private static Future<RecordMetadata> sendValid(KafkaProducer<byte[], byte[]> producer,
                                                    AvroSerializer<Frame> serializer, String topic, Frame frame,
                                                    FrameFuzzer fuzzer) {
        fuzzer.observe(frame);
        // keyed by camera id and partitioned by the key, as ingest writes them: each camera on its own partition
        return producer.send(new ProducerRecord<>(topic, frame.getCameraId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, frame)));
    }

    private static void sendHostile(KafkaProducer<byte[], byte[]> producer, String topic,
                                    List<FrameFuzzer.Hostile> hostile, FrameFuzzer fuzzer, List<Pending> pending) {
        for (FrameFuzzer.Hostile record : hostile) {
            long now = System.currentTimeMillis();
            FuzzVerdict verdict = FuzzVerdict.judge(record.value(), fuzzer, now, now + READ_WITHIN.toMillis(),
                    E2eJobs.MAX_FRAME_BYTES);
            pending.add(new Pending(record, producer.send(new ProducerRecord<>(topic, record.partition(), record.key(),
                    record.value())), cameraOf(record.value()), verdict));
        }
    }

    private static void assertValidCamerasLostNothing(List<CommittedTopic.Received<ClipEvent>> received,
                                                      SyntheticCameras cameras, int clipLength, int framesPerCamera,
                                                      List<Future<RecordMetadata>> validSends,
                                                      Map<Origin, List<DeadLetter>> letters) throws Exception {
        List<ClipEvent> events = ofCameras(received, cameras.ids());
        Set<String> expectedClips = new HashSet<>();
        for (String camera : cameras.ids()) {
            for (long first = 0; first < framesPerCamera; first += clipLength) {
                expectedClips.add(camera + "#" + first);
            }
        }
        assertThat(events).as("events of the valid cameras, duplicates included").hasSize(expectedClips.size());
        assertThat(events).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        assertThat(events.stream().map(e -> e.getCameraId() + "#" + e.getFirstSeq()).collect(Collectors.toSet()))
                .as("clips of the valid cameras, by (camera, first seq)").isEqualTo(expectedClips);
        assertThat(events).allSatisfy(event -> {
            assertThat(event.getLastSeq()).isEqualTo(event.getFirstSeq() + clipLength - 1);
            assertThat(event.getFramesFilled()).isZero();
        });
        for (Future<RecordMetadata> send : validSends) {
            RecordMetadata metadata = send.get();
            assertThat(letters.get(new Origin(metadata.partition(), metadata.offset())))
                    .as("dead letters of a valid camera's frame at %d@%d", metadata.partition(), metadata.offset())
                    .isNull();
        }
    }

    /**
     * Every hostile record has at most one letter, of a reason its verdict allows, pointing at it and carrying its
     * bytes; one without a letter decoded to a frame that may go through; no letter points anywhere else.
     */
    private static void assertEveryHostileRecordIsAccountedFor(List<Sent> fuzz, Map<Origin, List<DeadLetter>> letters,
                                                               String topic) {
        List<String> wrong = new ArrayList<>();
        Set<Origin> fuzzOrigins = new HashSet<>();
        for (Sent sent : fuzz) {
            fuzzOrigins.add(sent.origin());
            List<DeadLetter> own = letters.getOrDefault(sent.origin(), List.of());
            if (own.size() > 1) {
                wrong.add(sent + ": " + own.size() + " letters " + own.stream().map(DeadLetter::getReason).toList());
                continue;
            }
            DeadLetter letter = own.isEmpty() ? null : own.get(0);
            if (!sent.verdict().admits(letter == null ? null : letter.getReason())) {
                wrong.add(sent + ": " + (letter == null ? "no letter (not in the DLQ, not a valid frame)"
                        : "letter " + letter.getReason() + " '" + letter.getMessage() + "'"));
                continue;
            }
            if (letter != null) {
                String problem = letterProblem(sent, letter, topic);
                if (problem != null) {
                    wrong.add(sent + ": " + problem);
                }
            }
        }
        Set<Origin> elsewhere = new HashSet<>(letters.keySet());
        elsewhere.removeAll(fuzzOrigins);
        assertThat(elsewhere).as("letters for records that are not hostile").isEmpty();
        assertThat(wrong).as("hostile records not accounted for (%d of %d)", wrong.size(), fuzz.size()).isEmpty();
    }

    /** What is wrong with a letter for {@code sent}, or null: where it points, its key and value, its message. */
    private static String letterProblem(Sent sent, DeadLetter letter, String topic) {
        String origin = topic + "/" + sent.origin().partition() + "@" + sent.origin().offset();
        if (!letter.getMessage().contains(origin)) {
            return "the letter's message does not name " + origin + ": " + letter.getMessage();
        }
        if (FuzzVerdict.ASSEMBLER.contains(letter.getReason())) {
            // refused after validation: no value, the camera id as key
            if (letter.getValue() != null) {
                return "a " + letter.getReason() + " letter with a value";
            }
            byte[] key = letter.getKey() == null ? null : FuzzVerdict.bytes(letter.getKey());
            return Arrays.equals(key, sent.camera() == null ? null : sent.camera().getBytes(StandardCharsets.UTF_8))
                    ? null : "a " + letter.getReason() + " letter whose key is not the camera id";
        }
        String value = keptProblem("value", sent.value(), letter.getValue(), letter.getMessage());
        return value != null ? value : keptProblem("key", sent.key(), letter.getKey(), letter.getMessage());
    }

    private static String keptProblem(String field, Kept original, java.nio.ByteBuffer inLetter, String message) {
        if (original == null) {
            return inLetter == null ? null : "a " + field + " in the letter where the record had none";
        }
        if (inLetter == null) {
            return "no " + field + " in the letter";
        }
        if (!Arrays.equals(FuzzVerdict.bytes(inLetter), original.prefix())) {
            return "the letter's " + field + " is not the record's " + (original.whole() ? "" : "first "
                    + original.prefix().length + " bytes");
        }
        String truncated = "[" + field + " truncated: " + original.length() + " bytes, sha256 " + original.sha256();
        if (!original.whole() && !message.contains(truncated)) {
            return "the message does not say '" + truncated + "...': " + message;
        }
        return null;
    }

    /** The job's counters (REST) against the letters and the records written. */
    private static void assertTheJobsCountersAddUp(Map<String, Double> metrics, List<CommittedTopic.Received<DeadLetter>> dead,
                                                   long total, List<Sent> fuzz) {
        Map<DeadLetterReason, Long> byReason = dead.stream().collect(Collectors.groupingBy(
                r -> r.value().getReason(), () -> new java.util.EnumMap<>(DeadLetterReason.class), Collectors.counting()));
        assertThat(metrics.get("framesIn")).as("validator: records in").isEqualTo((double) total);
        long validatorLetters = 0;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            if (!FuzzVerdict.ASSEMBLER.contains(reason)) {
                long letters = byReason.getOrDefault(reason, 0L);
                validatorLetters += letters;
                assertThat(metrics.get(reason + ".framesDeadLettered")).as("validator counter of %s", reason)
                        .isEqualTo((double) letters);
            }
        }
        assertThat(metrics.get("assembler numRecordsIn")).as("frames on to the clip assembler")
                .isEqualTo((double) (total - validatorLetters));
        assertThat(metrics.get("framesLate")).as("framesLate").isEqualTo((double) byReason.getOrDefault(
                DeadLetterReason.LATE, 0L));
        assertThat(metrics.get("framesOverCameraLimit")).as("framesOverCameraLimit")
                .isEqualTo((double) byReason.getOrDefault(DeadLetterReason.OVER_CAPACITY, 0L));
        long validCameras = fuzz.stream().filter(s -> s.verdict().kind().equals("valid frame")).map(Sent::camera)
                .distinct().count();
        assertThat(metrics.get("liveCameras")).as("cameras with state (bounded)")
                .isLessThanOrEqualTo(ClipSettings.DEFAULT_MAX_CAMERAS);
        if (validCameras + CAMERAS > ClipSettings.DEFAULT_MAX_CAMERAS) {
            assertThat(metrics.get("liveCameras")).as("cameras with state: the limit reached")
                    .isEqualTo((double) ClipSettings.DEFAULT_MAX_CAMERAS);
            assertThat(byReason.getOrDefault(DeadLetterReason.OVER_CAPACITY, 0L))
                    .as("frames of cameras beyond the limit").isPositive();
        }
    }

    private static void printTables(long seed, List<Sent> fuzz, Map<Origin, List<DeadLetter>> letters,
                                    List<CommittedTopic.Received<DeadLetter>> dead,
                                    List<CommittedTopic.Received<ClipEvent>> received, Map<String, Double> metrics,
                                    List<String> validIds, double seconds, double sendSeconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("HostileInputFuzzTest: seed %d, %d hostile records (%d distinct camera ids), run %.1f s"
                        + " (sending %.1f s)%n", seed, fuzz.size(),
                fuzz.stream().map(Sent::camera).filter(c -> c != null).distinct().count(), seconds, sendSeconds));
        out.append(table("dead letters by reason", count(dead, r -> r.value().getReason().name())));
        out.append(table("hostile records by kind", count(fuzz, Sent::kind)));
        out.append(table("hostile records by verdict", count(fuzz, s -> s.verdict().kind())));
        out.append(table("hostile records by outcome", count(fuzz, s -> {
            List<DeadLetter> own = letters.getOrDefault(s.origin(), List.of());
            return own.isEmpty() ? "no letter (" + s.verdict().kind() + ")" : own.get(0).getReason().name();
        })));
        List<ClipEvent> events = received.stream().map(CommittedTopic.Received::value).toList();
        long validEvents = events.stream().filter(e -> validIds.contains(e.getCameraId())).count();
        out.append(String.format("events: %d of the valid cameras, %d of hostile cameras%n", validEvents,
                events.size() - validEvents));
        out.append(table("job counters", new TreeMap<>(metrics.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> (long) e.getValue().doubleValue())))));
        System.out.print(out);
    }

    private static <T> Map<String, Long> count(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    private static String table(String title, Map<String, Long> rows) {
        int width = Math.max(12, rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder out = new StringBuilder(title).append(":\n");
        rows.forEach((name, value) -> out.append(String.format("  %-" + width + "s %8d%n", name, value)));
        return out.toString();
    }

    private static List<ClipEvent> ofCameras(List<CommittedTopic.Received<ClipEvent>> received, List<String> ids) {
        return received.stream().map(CommittedTopic.Received::value).filter(e -> ids.contains(e.getCameraId()))
                .toList();
    }

    private static List<ValidCamera> validCameras(SyntheticCameras cameras, ModelManifest model) {
        List<ValidCamera> valid = new ArrayList<>();
        for (CameraSpec spec : cameras.specs()) {
            SourceSpec.Synthetic source = (SourceSpec.Synthetic) spec.source();
            SyntheticCamera scene = new SyntheticCamera(model.width(), model.height(), source.action(),
                    source.segmentFrames(), source.seed());
            FrameEncoding encoding = valid.isEmpty() ? FrameEncoding.JPEG : FrameEncoding.RGB24;
            valid.add(new ValidCamera(spec.id(), scene, new PixelEncoder(encoding, model.width(), model.height(), 0.9f)));
        }
        return valid;
    }

    /** Creates the topics; the frames topic takes records up to {@link #MAX_MESSAGE_BYTES}, as it reports. */
    private static int createTopics(String frames, String events, String dlq) throws Exception {
        try (Admin admin = STACK.kafka().admin()) {
            admin.createTopics(List.of(
                    new NewTopic(frames, CAMERAS, (short) 1).configs(Map.of("max.message.bytes",
                            Integer.toString(MAX_MESSAGE_BYTES))),
                    new NewTopic(events, CAMERAS, (short) 1),
                    new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            clipstream.kafka.embedded.EmbeddedKafka.awaitWritable(admin, List.of(frames, events, dlq),
                    Duration.ofSeconds(30));
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, frames);
            return Integer.parseInt(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("max.message.bytes").value());
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(int maxMessageBytes) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.kafka().bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxMessageBytes));
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String cameraOf(byte[] value) {
        try {
            return FRAMES.decode(value).getCameraId();
        } catch (RecordDecodeException | RuntimeException notAFrame) {
            return null;
        }
    }

    private static long completedCheckpoints(RunningJob job) throws Exception {
        return STACK.flink().rest("/jobs/" + job.id() + "/checkpoints").path("counts").path("completed").asLong();
    }

    private static void awaitCheckpoints(RunningJob job, long completed) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (completedCheckpoints(job) < completed) {
            job.check();
            assertThat(System.nanoTime()).as("%d checkpoints completed", completed).isLessThan(deadline);
            job.waitForResult(200);
        }
    }

    /**
     * The job's counters, read when every record is in: the validator's records in and letters per reason, the
     * clip assembler's records in (its task's input), drops and refusals, and its live cameras.
     */
    private static Map<String, Double> metrics(RunningJob job) throws Exception {
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put("framesIn", job.metric("validate frames", "framesIn").orElse(-1.0));
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            String name = reason + ".framesDeadLettered";
            metrics.put(name, job.metric("validate frames", name).orElse(-1.0));
        }
        for (String name : List.of("framesDuplicate", "framesLate", "framesOverCameraLimit", "framesReleasedEarly",
                "framesFilled", "streamRestarts", "clipsRestarted", "clipsEmitted", "liveCameras")) {
            metrics.put(name, job.metric("assemble clips", name).orElse(-1.0));
        }
        metrics.put("assembler numRecordsIn", taskRecordsIn(job, "assemble clips"));
        return metrics;
    }

    /** The task-level records in of the job vertex named like {@code vertexName}: its first operator's input. */
    private static double taskRecordsIn(RunningJob job, String vertexName) throws Exception {
        String base = "/jobs/" + job.id() + "/vertices/" + job.vertexId(vertexName) + "/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : STACK.flink().rest(base)) {
            String id = metric.path("id").asText();
            if (id.matches("\\d+\\.numRecordsIn")) {
                ids.add(id);
            }
        }
        double sum = 0;
        for (JsonNode value : STACK.flink().rest(base + "?get=" + String.join(",", ids))) {
            sum += value.path("value").asDouble();
        }
        return ids.isEmpty() ? -1 : sum;
    }

    private static Path writeRecords(long seed, List<Sent> fuzz) throws Exception {
        Files.createDirectories(REPORT_DIR);
        Path file = REPORT_DIR.resolve("records-" + seed + ".tsv");
        List<String> lines = new ArrayList<>();
        lines.add("partition\toffset\tkind\tmutation\tcamera\tkey_bytes\tvalue_bytes\tvalue_sha256\tverdict");
        for (Sent sent : fuzz) {
            String camera = sent.camera() == null ? "" : sent.camera().length() > 40
                    ? sent.camera().substring(0, 40) + "...(" + sent.camera().length() + " chars)" : sent.camera();
            lines.add(String.join("\t", Integer.toString(sent.origin().partition()),
                    Long.toString(sent.origin().offset()), sent.kind(), printable(sent.what()), printable(camera),
                    sent.key() == null ? "null" : Integer.toString(sent.key().length()),
                    sent.value() == null ? "null" : Integer.toString(sent.value().length()),
                    sent.value() == null ? "" : sent.value().sha256(), printable(sent.verdict().toString())));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}

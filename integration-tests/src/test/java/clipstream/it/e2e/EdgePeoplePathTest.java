package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.publish.PublishedSeqs;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.job.config.KafkaSettings;
import clipstream.job.config.PeopleSettings;
import clipstream.job.sink.KafkaSinks;
import clipstream.job.source.EdgePosesTopicSource;
import clipstream.media.people.PeopleScene;
import clipstream.schema.DeadLetter;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The people path on edge devices' poses, on the real stack: two synthetic-people cameras (people moving clip after
 * clip, a known scene each: 2 people with random actions, 3 walking) published through the real ingest code to an
 * edge poses topic, half their frames, then a run of hostile records on the same partitions (under the valid cameras'
 * ids and others), then the other half (the restarted ingest continuing each camera's seqs from the topic). The job in
 * edge mode (bounded, exactly-once, restarts off) must track every valid frame exactly once on the poses topic
 * (read_committed) with the edge's people as sent and its own track ids, give every person of each scene exactly one
 * track, and dead-letter every hostile record once with its reason, leaving the valid cameras as they were.
 */
class EdgePeoplePathTest {
    private static final int PARTITIONS = 2;
    private static final long FIRST_SEQ = 1 << 20;
    private static final int HALF = 128;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(2);

    @Test
    void edgePosesBecomeTrackedPosesExactlyOnceAndHostileRecordsDeadLetters() throws Exception {
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        String edge = E2eJobs.unique("edge-poses");
        String poses = E2eJobs.unique("poses");
        STACK.kafka().createTopics(Map.of(frames, 1, events, 1, dlq, 1, edge, PARTITIONS, poses, PARTITIONS));
        List<String> ids = idsOnDistinctPartitions(2);
        List<CameraSpec> cameras = List.of(
                CameraSpec.parse(ids.get(0) + "=synthetic-people:random?people=2&seed=1"),
                CameraSpec.parse(ids.get(1) + "=synthetic-people:walk?people=3&seed=1"));
        Map<String, PeopleScene> scenes = new HashMap<>();
        for (CameraSpec camera : cameras) {
            scenes.put(camera.id(), ((SourceSpec.SyntheticPeople) camera.source())
                    .scene(IngestSettings.DEFAULT_GENERATED_FPS));
        }

        ingest(cameras, frames, edge, false);
        Map<String, DeadLetterReason> expectedLetters = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            sendHostile(raw, edge, ids.get(0), scenes.get(ids.get(0)), expectedLetters);
        }
        ingest(cameras, frames, edge, true);

        KafkaSettings kafka = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq,
                E2eJobs.unique("job"));
        PeopleSettings people = PeopleSettings.edge(edge, 16, poses, Duration.ofMinutes(5));
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(kafka, E2eJobs.clipLength(), Duration.ofMillis(500),
                true).withEdgePeople(people, EdgePosesTopicSource.kafkaUntil(kafka, edge, OffsetsInitializer.latest()),
                        KafkaSinks.poses(kafka, poses)))) {
            job.awaitFinished(TIMEOUT);
        }

        List<PersonPoses> tracked;
        try (var topic = new CommittedTopic<>(STACK.kafka().bootstrapServers(), poses, PersonPoses.class)) {
            tracked = topic.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
        }
        List<DeadLetter> letters;
        try (var topic = new CommittedTopic<>(STACK.kafka().bootstrapServers(), dlq, DeadLetter.class)) {
            letters = topic.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
        }

        Map<String, List<PersonPoses>> byCamera = tracked.stream()
                .collect(Collectors.groupingBy(p -> p.getCameraId().toString()));
        assertThat(byCamera).containsOnlyKeys(ids);
        for (String camera : ids) {
            assertTracked(camera, byCamera.get(camera), scenes.get(camera));
        }

        Map<String, DeadLetterReason> reasons = new TreeMap<>();
        for (DeadLetter letter : letters) {
            assertThat(letter.getSourceTopic()).isEqualTo(edge);
            String origin = letter.getSourcePartition() + "@" + letter.getSourceOffset();
            assertThat(reasons.put(origin, letter.getReason())).as("a second dead letter for %s", origin).isNull();
        }
        assertThat(reasons).as("one dead letter per hostile record, with its reason").isEqualTo(expectedLetters);
        System.out.printf("EdgePeoplePathTest: %d tracked poses records, tracks per camera %s; dead letters by"
                        + " reason %s%n", tracked.size(),
                byCamera.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stream()
                        .flatMap(p -> p.getPeople().stream()).map(Person::getTrackId).filter(id -> id >= 0).distinct()
                        .count(), (a, b) -> a, TreeMap::new)),
                letters.stream().collect(Collectors.groupingBy(l -> l.getReason().name(), TreeMap::new,
                        Collectors.counting())));
    }

    /**
     * Every frame of {@code camera} tracked once, its people as the edge sent them, and each person of its scene
     * followed by exactly one track of the job's own, and each track following one person.
     */
    private static void assertTracked(String camera, List<PersonPoses> records, PeopleScene scene) {
        assertThat(records).as("%s: every frame once", camera).extracting(PersonPoses::getSeq)
                .containsExactlyElementsOf(range(FIRST_SEQ, 2 * HALF));
        Map<Long, Set<Long>> personsOfTrack = new TreeMap<>();
        Map<Long, Set<Long>> tracksOfPerson = new TreeMap<>();
        Map<Long, Integer> sightingsInARow = new HashMap<>();
        Set<Long> trackable = new TreeSet<>();
        for (PersonPoses record : records) {
            List<PeopleScene.SeenPerson> sent = scene.frame(record.getSeq());
            assertThat(record.getModelName()).isEqualTo("synthetic-people");
            assertThat(record.getPeople()).as("%s #%d: the people as sent", camera, record.getSeq())
                    .hasSameSizeAs(sent);
            Set<Long> seenNow = new HashSet<>();
            for (int i = 0; i < sent.size(); i++) {
                Person person = record.getPeople().get(i);
                PeopleScene.SeenPerson truth = sent.get(i);
                assertThat(person.getXMin()).isEqualTo(truth.xMin());
                assertThat(person.getYMax()).isEqualTo(truth.yMax());
                assertThat(person.getKeypoints().get(0).getX()).isEqualTo(truth.keypoints()[0][0]);
                seenNow.add(truth.personId());
                if (sightingsInARow.merge(truth.personId(), 1, Integer::sum) >= 3) {
                    trackable.add(truth.personId());
                }
                if (person.getTrackId() >= 0) {
                    assertThat(person.getTrackId()).as("the job's own ids, not the edge's").isLessThan(100);
                    personsOfTrack.computeIfAbsent(person.getTrackId(), t -> new TreeSet<>()).add(truth.personId());
                    tracksOfPerson.computeIfAbsent(truth.personId(), t -> new TreeSet<>()).add(person.getTrackId());
                }
            }
            sightingsInARow.keySet().retainAll(seenNow);
        }
        assertThat(trackable).as("%s: people seen 3 frames in a row", camera).hasSizeGreaterThanOrEqualTo(2);
        assertThat(tracksOfPerson.keySet()).as("%s: every trackable person is tracked", camera).isEqualTo(trackable);
        assertThat(tracksOfPerson).as("%s: one track per person", camera)
                .allSatisfy((person, tracks) -> assertThat(tracks).hasSize(1));
        assertThat(personsOfTrack).as("%s: one person per track", camera)
                .allSatisfy((track, persons) -> assertThat(persons).hasSize(1));
        assertThat(personsOfTrack).as("%s: as many tracks as people", camera).hasSameSizeAs(trackable);
    }

    /**
     * Ingests {@link #HALF} frames of each camera to the edge topic through the real ingest code: the first half from
     * {@link #FIRST_SEQ}, the second continuing each camera after its highest seq on the topic.
     */
    private static void ingest(List<CameraSpec> cameras, String frames, String edge, boolean resume) throws Exception {
        IngestSettings settings = IngestSettings.defaults(frames, 32, 32).withPosesTopic(edge).withPacing(Pacing.FAST)
                .withMaxFrames(HALF).withStartSeq(FIRST_SEQ).withResumeSeq(resume);
        Properties properties = FrameProducers.properties(STACK.kafka().bootstrapServers(), Map.of());
        try (KafkaProducer<String, PersonPoses> producer = FrameProducers.createForPoses(properties)) {
            IngestRunner runner = new IngestRunner(settings, cameras, null, producer,
                    new PublishedSeqs(properties, Duration.ofSeconds(30)), null, Duration.ZERO);
            runner.start();
            IngestSummary summary = runner.awaitSummary(TIMEOUT);
            assertThat(summary).as("ingest finished in time").isNotNull();
            assertThat(summary.cameras()).as(summary.render()).allSatisfy(c -> {
                assertThat(c.acked()).isEqualTo(HALF);
                assertThat(c.firstSeq()).isEqualTo(resume ? FIRST_SEQ + HALF : FIRST_SEQ);
            });
        }
    }

    /**
     * Hostile records on {@code camera}'s partition, after its first half (so the second half goes on above them):
     * each refused record and its reason into {@code expected}, by partition@offset. None claims a seq above the
     * camera's last: ingest would continue above it.
     */
    private static void sendHostile(KafkaProducer<byte[], byte[]> raw, String edge, String camera, PeopleScene scene,
                                    Map<String, DeadLetterReason> expected) throws Exception {
        long last = FIRST_SEQ + HALF - 1;
        PersonPoses valid = poses(camera, last, scene);
        RecordEncoder<PersonPoses> encoder = RecordEncoder.of(PersonPoses.class);
        byte[] validBytes = encoder.toBytes(valid);
        Hostile hostile = (key, value, reason) -> {
            var sent = raw.send(new ProducerRecord<>(edge, key.getBytes(StandardCharsets.UTF_8), value)).get();
            if (reason != null) {
                expected.put(sent.partition() + "@" + sent.offset(), reason);
            }
        };
        hostile.send(camera, "garbage, not a record".getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE);
        hostile.send(camera, java.util.Arrays.copyOf(validBytes, validBytes.length / 2), DeadLetterReason.UNDECODABLE);
        hostile.send(camera, null, DeadLetterReason.UNDECODABLE);
        hostile.send(camera, RecordEncoder.of(Frame.class).toBytes(Frame.newBuilder().setCameraId(camera).setSeq(last)
                .setCaptureTime(Instant.now()).setWidth(1).setHeight(1).setEncoding(FrameEncoding.RGB24)
                .setData(ByteBuffer.wrap(new byte[3])).build()), DeadLetterReason.UNKNOWN_SCHEMA);
        hostile.send(camera, encoder.toBytes(withKeypoint(valid, new Keypoint(Float.NaN, 10f, 0.5f))),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(withKeypoint(valid, new Keypoint(5_000f, 10f, 0.5f))),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(withKeypoint(valid, new Keypoint(10f, 10f, 1.5f))),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(withPeople(valid, Collections.nCopies(1000, firstPerson(valid)))),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(withFirstPerson(valid,
                p -> p.setKeypoints(p.getKeypoints().subList(0, 16)))), DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(withFirstPerson(valid, p -> p.setXMin(p.getXMax() + 5))),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(PersonPoses.newBuilder(valid).setSeq(-5).build()),
                DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(PersonPoses.newBuilder(valid)
                .setCaptureTime(Instant.parse("3000-01-01T00:00:00Z")).build()), DeadLetterReason.INVALID_POSES);
        hostile.send(camera, encoder.toBytes(PersonPoses.newBuilder(valid).setWidth(0).build()),
                DeadLetterReason.INVALID_POSES);
        hostile.send("door 1", encoder.toBytes(PersonPoses.newBuilder(valid).setCameraId("door 1").build()),
                DeadLetterReason.INVALID_CAMERA_ID);
        // valid records: the last one again (a duplicate: dropped, not a letter) and an earlier seq (late)
        hostile.send(camera, validBytes, null);
        hostile.send(camera, encoder.toBytes(poses(camera, FIRST_SEQ + 50, scene)), DeadLetterReason.LATE);
    }

    /** One hostile record: sent, and its expected letter noted (none for {@code reason} null). */
    private interface Hostile {
        void send(String key, byte[] value, DeadLetterReason reason) throws Exception;
    }

    /** Frame {@code seq} of {@code scene} as an edge device sends it, captured now. */
    private static PersonPoses poses(String camera, long seq, PeopleScene scene) {
        List<Person> people = new ArrayList<>();
        for (PeopleScene.SeenPerson seen : scene.frame(seq)) {
            List<Keypoint> keypoints = new ArrayList<>();
            for (float[] k : seen.keypoints()) {
                keypoints.add(new Keypoint(k[0], k[1], k[2]));
            }
            people.add(new Person(seen.personId(), seen.score(), seen.xMin(), seen.yMin(), seen.xMax(), seen.yMax(),
                    keypoints));
        }
        assertThat(people).as("somebody in frame %d of %s", seq, camera).isNotEmpty();
        return PersonPoses.newBuilder().setCameraId(camera).setSeq(seq).setCaptureTime(Instant.now())
                .setWidth(scene.width()).setHeight(scene.height()).setModelName("synthetic-people").setModelVersion("1")
                .setPeople(people).build();
    }

    private static Person firstPerson(PersonPoses poses) {
        return Person.newBuilder(poses.getPeople().get(0)).build();
    }

    private static PersonPoses withPeople(PersonPoses poses, List<Person> people) {
        return PersonPoses.newBuilder(poses).setPeople(people).build();
    }

    private static PersonPoses withFirstPerson(PersonPoses poses, UnaryOperator<Person.Builder> change) {
        List<Person> people = new ArrayList<>(poses.getPeople());
        people.set(0, change.apply(Person.newBuilder(people.get(0))).build());
        return withPeople(poses, people);
    }

    private static PersonPoses withKeypoint(PersonPoses poses, Keypoint keypoint) {
        return withFirstPerson(poses, p -> {
            List<Keypoint> keypoints = new ArrayList<>(p.getKeypoints());
            keypoints.set(7, keypoint);
            return p.setKeypoints(keypoints);
        });
    }

    /** Camera ids that Kafka's default partitioner puts on partitions of their own. */
    private static List<String> idsOnDistinctPartitions(int count) {
        List<String> ids = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (int i = 1; ids.size() < count; i++) {
            String id = "door-" + i;
            if (taken.add(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static KafkaProducer<byte[], byte[]> rawProducer() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", STACK.kafka().bootstrapServers());
        properties.put("acks", "all");
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<Long> range(long from, int count) {
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(from + i);
        }
        return values;
    }
}

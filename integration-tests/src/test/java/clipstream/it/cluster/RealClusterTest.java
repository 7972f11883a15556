package clipstream.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clipstream.ingest.publish.FrameProducers;
import clipstream.ingest.run.CameraSpec;
import clipstream.ingest.run.IngestRunner;
import clipstream.ingest.run.IngestSettings;
import clipstream.ingest.run.IngestSummary;
import clipstream.ingest.source.SourceSpec;
import clipstream.media.synthetic.SyntheticCamera;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetter;
import clipstream.schema.Frame;
import clipstream.schema.codec.RecordDecodeException;
import clipstream.schema.codec.RecordDecoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end test 5, "Real cluster": the clipstream job on a real multi-process deployment. A Flink JobManager and
 * two TaskManagers (one slot each) and three Kafka nodes, each its own JVM started from the Maven jars; the job jar
 * submitted through Flink's client, exactly-once, checkpoints to a folder; frames from the real ingest code (synthetic
 * cameras, so the ground truth of every clip is known). Run twice: with the committed default model clip by clip,
 * and with the committed stream model as streams (each camera's layer states in keyed state).
 *
 * <p>Mid-stream, the TaskManager running the job is killed with SIGKILL: the job must come back on the other one
 * from its last checkpoint. Then one Kafka node is killed (the leader of the events topic's first partition): with
 * three replicas and two in sync required nothing is lost. At the end a read_committed consumer must see every
 * expected event exactly once, at least 90 % of them labelled right (for the stream model: of the clips that continue
 * their scene, see {@link #segmentClips}), and no dead letter.
 *
 * <p>Runs in {@code mvn verify} unless {@code -DskipClusterTests}; a model missing from the store skips its run. Logs
 * of every process: {@code integration-tests/target/real-cluster/MODEL/logs/}.
 */
@Tag("real-cluster")
class RealClusterTest {
    private static final Path STORE = Path.of(System.getProperty("clipstream.model-store", "../model-store"))
            .toAbsolutePath().normalize();
    /** Clips of one action segment of the synthetic cameras for a stream model (see {@link #segmentClips}). */
    private static final int STREAM_SEGMENT_CLIPS = 2;
    private static final Path WORK_ROOT = Path.of("target", "real-cluster").toAbsolutePath();
    private static final String FRAMES = "frames";
    private static final String EVENTS = "clip-events";
    private static final String DEAD_LETTERS = "frames-dlq";
    private static final String GROUP = "clipstream-cluster-test";
    private static final int CAMERAS = 4;
    private static final double FPS = 25;
    private static final double MIN_ACCURACY = 0.9;
    /** Events committed before each kill, and after each recovery before the next step: the stream is well under way. */
    private static final int EVENTS_BEFORE_KILL = 8;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** How long "all input consumed, events still missing" must hold before the drain gives up (5 checkpoints). */
    private static final Duration SETTLED = Duration.ofSeconds(10);
    /**
     * The job's {@code --source-idleness}: its default. A partition whose records stall for longer (a camera thread
     * or the source lagging on the busy machine, a producer retrying through a leader change) is declared idle and
     * the watermark runs ahead on the others; its frames then arrive behind the watermark. The job judges lateness
     * per camera by seq, so none of those frames is late, and the test requires no dead letter.
     * {@code -Dclipstream.cluster.source-idleness} sets another value.
     */
    private static final String SOURCE_IDLENESS = System.getProperty("clipstream.cluster.source-idleness", "5s");

    private final Map<String, String> measurements = new LinkedHashMap<>();
    /** The model served, and this run's folder (logs, checkpoints, Kafka data, the report): one per model. */
    private String model;
    private Path work;
    private boolean stream;
    private int segmentFrames;
    private final Map<String, String> memory = new TreeMap<>();
    private final Set<String> killedTaskManagers = new HashSet<>();
    private final Set<Integer> killedBrokers = new HashSet<>();
    private KafkaProcessCluster kafka;
    private FlinkProcessCluster flink;
    private String jobId;
    private long taskManagerKilledAt;
    /**
     * Failures the job may have had so far: none before the TaskManager is killed, one for that, and a little slack
     * after it (a broker lost in the middle of a transaction may fail a task); more means a restart loop, and the
     * test stops at once with the job's exceptions instead of waiting for the restart strategy to give up.
     */
    private int failuresAllowed;

    /**
     * The default model clip by clip, and the stream model ({@code c3d-small-stream}, {@code --inference stream}: each
     * camera's layer states in keyed state, checkpointed and restored on the other TaskManager).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"c3d-small", "c3d-small-stream"})
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void killedTaskManagerAndKilledBrokerMidStreamLoseNoEventAndDuplicateNone(String modelName) throws Exception {
        model = modelName;
        work = WORK_ROOT.resolve(model);
        assumeTrue(Files.isRegularFile(STORE.resolve("models").resolve(model).resolve("CURRENT")),
                "Skipped: no " + model + " in " + STORE + " (train or commit it)");
        ModelManifest manifest = new ModelStore(STORE).describe(model, null).manifest();
        stream = manifest.isStream();
        deleteRecursively(work);
        Files.createDirectories(work);
        long started = System.nanoTime();
        List<Integer> ports = new ArrayList<>();
        ChildJvms jvms = new ChildJvms(work.resolve("logs"));
        try {
            runScenario(jvms, manifest, ports);
        } catch (Throwable failure) {
            String message = String.valueOf(failure.getMessage());
            throw new AssertionError(message + "\n\nLogs of every process:\n" + jvms.processes().stream()
                    .map(p -> "  " + p.name() + " (pid " + p.pid() + "): " + p.log()).collect(Collectors.joining("\n"))
                    // a failure that quotes no log yet gets the tails of Flink's logs, where the job's story is
                    + (message.contains(JvmProcess.TAIL_HEADER) || flink == null ? "" : "\n\n" + flinkLogTails()),
                    failure);
        } finally {
            jvms.processes().stream().filter(JvmProcess::isAlive).forEach(p -> memory.put(p.name(), p.memory()));
            memory.put("this test JVM (ingest, readers)", JvmProcess.memoryOf(ProcessHandle.current().pid()));
            jvms.close();
            report(started);
        }
        assertThat(jvms.processes()).as("processes still running after teardown")
                .noneMatch(JvmProcess::isAlive);
        Poll.until("the cluster's ports to be free again", Duration.ofSeconds(30), () -> { },
                () -> ports.stream().allMatch(FreePorts::isFree));
        deleteRecursively(work.resolve("checkpoints"));
        for (int node = 1; node <= KafkaProcessCluster.NODES; node++) {
            deleteRecursively(work.resolve("kafka").resolve("kafka-" + node + "-data"));
        }
    }

    private void runScenario(ChildJvms jvms, ModelManifest manifest, List<Integer> ports) throws Exception {
        ClusterClasspath classpath = ClusterClasspath.ofThisJvm();
        Path checkpoints = Files.createDirectories(work.resolve("checkpoints"));

        long t = System.nanoTime();
        // Kafka (format, then the nodes) and Flink (resource parameters, then the processes) start side by side
        FutureTask<KafkaProcessCluster> kafkaStart = new FutureTask<>(() -> KafkaProcessCluster.start(jvms,
                classpath.everything(), Files.createDirectories(work.resolve("kafka"))));
        new Thread(kafkaStart, "kafka-start").start();
        try {
            flink = FlinkProcessCluster.start(jvms, classpath.flinkLib(), Files.createDirectories(work.resolve("flink")),
                    2, checkpoints);
            ports.addAll(flink.ports());
        } finally {
            try {
                kafka = kafkaStart.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                ports.addAll(kafka.ports());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        Path jobJar = classpath.writeJobJar(work.resolve("clipstream-job.jar"));

        try (Admin admin = kafka.admin()) {
            Poll.until("3 Kafka brokers", START_TIMEOUT, this::checkProcesses, () -> kafka.allBrokersUp(admin));
            measure("start -> 3 Kafka nodes up (formatted, started)", Duration.ofNanos(System.nanoTime() - t));
            kafka.createTopics(admin, Map.of(FRAMES, CAMERAS, EVENTS, CAMERAS, DEAD_LETTERS, 1));
            Poll.until("2 TaskManagers at " + flink.rest().base(), START_TIMEOUT, this::checkProcesses,
                    () -> flink.rest().taskManagers() == 2);
            measure("start -> Kafka up + topics, 2 TaskManagers registered", Duration.ofNanos(System.nanoTime() - t));

            t = System.nanoTime();
            jobId = flink.submit(jobJar, ClusterClasspath.JOB_MAIN_CLASS, jobArgs(checkpoints, manifest.frames()),
                    START_TIMEOUT);
            Poll.until("job " + jobId + " running", START_TIMEOUT, this::checkJob,
                    () -> flink.rest().allTasksRunning(jobId));
            assertThat(flink.rest().vertexNames(jobId)).as("the job's operators")
                    .anyMatch(name -> name.contains(stream ? "classify chunks as streams" : "classify clips in batches"));
            measure("job submitted and running", Duration.ofNanos(System.nanoTime() - t));

            segmentFrames = manifest.frames() * segmentClips();
            List<CameraSpec> cameras = cameras(segmentFrames);
            IngestSettings ingest = IngestSettings.defaults(FRAMES, manifest.width(), manifest.height()).withFps(FPS);
            IngestSummary summary;
            try (Producer<String, Frame> producer = FrameProducers.create(
                         FrameProducers.properties(kafka.bootstrap(), Map.of()));
                 CommittedEvents events = new CommittedEvents(kafka.bootstrap(), EVENTS)) {
                IngestRunner runner = new IngestRunner(ingest, cameras, producer);
                runner.start();
                try {
                    killTaskManagerMidStream(events);
                    killBrokerMidStream(admin, events);
                } finally {
                    runner.stop();
                    summary = runner.awaitSummary(Duration.ofSeconds(60));
                }
                assertThat(summary).as("the cameras did not stop within 60 s").isNotNull();
                Map<String, Set<Long>> expected = expectedClips(summary, manifest.frames());
                drain(admin, events, expected);
                verify(events, expected, cameras, summary);
            }
        }
    }

    private List<String> jobArgs(Path checkpoints, int clipLength) {
        return List.of("--bootstrap", kafka.bootstrap(), "--frames-topic", FRAMES, "--events-topic", EVENTS,
                "--dlq-topic", DEAD_LETTERS, "--group", GROUP, "--transactional-id-prefix", GROUP,
                "--delivery", "exactly-once", "--model-store", STORE.toString(), "--model", model,
                "--inference", stream ? "stream" : "clips",
                // tumbling clips on whole segments: every event has a ground truth
                "--stride", Integer.toString(clipLength), "--source-idleness", SOURCE_IDLENESS, "--parallelism", "1",
                "--intra-op-threads", "2", "--checkpoint-interval", "2s",
                "--checkpoint-dir", checkpoints.toUri().toString());
    }

    /**
     * Clips per action segment of the synthetic cameras: one clip by clip (every clip is a new scene), two for a stream
     * model. A stream model's clip carries the context of the frames before it (its causal layers see ~16 frames
     * back), where clip by clip the model sees zero padding; real cameras do not cut from one scene to another between
     * two clips, the synthetic ones do, so a stream's first clip after a cut is half in the last scene and is reported
     * apart, and the clips that continue their scene are held to the accuracy bar.
     */
    private int segmentClips() {
        return stream ? STREAM_SEGMENT_CLIPS : 1;
    }

    /**
     * Synthetic cameras, one action segment per {@code segmentFrames}, with ids chosen so that each camera has a
     * partition of its own (Kafka's default partitioner): a camera thread lagging on the busy machine cannot then find
     * its frames behind a watermark another camera pushed.
     */
    private static List<CameraSpec> cameras(int segmentFrames) {
        List<CameraSpec> cameras = new ArrayList<>();
        Set<Integer> partitions = new HashSet<>();
        for (int i = 1; cameras.size() < CAMERAS; i++) {
            String id = "cam-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % CAMERAS;
            if (partitions.add(partition)) {
                cameras.add(new CameraSpec(id, SourceSpec.parse("synthetic:random?segment=" + segmentFrames, id)));
            }
        }
        return cameras;
    }

    /** Kills the TaskManager running the job's tasks with SIGKILL once events flow; waits for the job to recover. */
    private void killTaskManagerMidStream(CommittedEvents events) throws Exception {
        Poll.until(EVENTS_BEFORE_KILL + " committed events before killing a TaskManager", START_TIMEOUT,
                this::checkJob, () -> {
                    events.poll();
                    return events.events().size() >= EVENTS_BEFORE_KILL;
                });
        List<String> running = flink.rest().taskManagersOf(jobId);
        assertThat(running).as("TaskManagers running job %s", jobId).hasSize(1);
        String victim = running.get(0);
        JvmProcess process = flink.taskManager(victim);
        long completedBefore = flink.rest().checkpointCounts(jobId).path("completed").asLong();
        int eventsBefore = events.events().size();
        memory.put(process.name(), process.memory() + " when killed");
        failuresAllowed = 3;
        long killedAt = System.currentTimeMillis();
        taskManagerKilledAt = killedAt;
        long kill = System.nanoTime();
        process.kill9();
        killedTaskManagers.add(victim);
        System.out.printf(Locale.ROOT, "kill -9 TaskManager %s (pid %d) running job %s: %d events committed,"
                + " %d checkpoints completed%n", victim, process.pid(), jobId, eventsBefore, completedBefore);

        Duration running2 = Poll.until("job " + jobId + " running again on the other TaskManager", RECOVERY_TIMEOUT,
                this::checkJob, () -> flink.rest().allTasksRunningSince(jobId, killedAt)
                        && !flink.rest().taskManagersOf(jobId).contains(victim)
                        && flink.rest().checkpointCounts(jobId).path("restored").asLong() >= 1);
        measure("TaskManager kill -> job RUNNING again (restored)", running2);
        Duration firstEvent = Poll.until("an event of a clip captured after the TaskManager was killed",
                RECOVERY_TIMEOUT, this::checkJob, () -> {
                    events.poll();
                    return events.anyEndedAfter(killedAt);
                });
        measure("TaskManager kill -> first new event committed", Duration.ofNanos(System.nanoTime() - kill));
        JsonNode restored = flink.rest().latestRestore(jobId);
        measurements.put("restored from", "checkpoint " + restored.path("id").asText() + " (" + restored.path("external_path").asText() + ")");
        assertThat(firstEvent).isNotNull();
    }

    /**
     * Kills the Kafka node leading the events topic's first partition with SIGKILL; waits until its partitions are
     * led elsewhere with two replicas in sync, and until new events are committed.
     */
    private void killBrokerMidStream(Admin admin, CommittedEvents events) throws Exception {
        Poll.until(EVENTS_BEFORE_KILL + " events of clips captured after the TaskManager was killed",
                RECOVERY_TIMEOUT, this::checkJob, () -> {
                    events.poll();
                    return events.countEndedAfter(taskManagerKilledAt) >= EVENTS_BEFORE_KILL;
                });
        List<String> topics = List.of(FRAMES, EVENTS, "__transaction_state", "__consumer_offsets");
        Map<String, Integer> leaders = KafkaProcessCluster.leaders(admin, topics);
        int victim = leaders.get(EVENTS + "-0");
        String controller = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId() == victim
                ? " (the active controller)" : "";
        JvmProcess process = kafka.broker(victim);
        memory.put(process.name(), process.memory() + " when killed");
        long killedAt = System.currentTimeMillis();
        long kill = System.nanoTime();
        process.kill9();
        killedBrokers.add(victim);
        System.out.printf(Locale.ROOT, "kill -9 Kafka node %d%s (pid %d), leader of %s%n", victim, controller,
                process.pid(), leaders.entrySet().stream().filter(e -> e.getValue() == victim).map(Map.Entry::getKey)
                        .toList());
        measurements.put("killed Kafka node", victim + controller);

        // one wait, three milestones, each timed from the kill when first seen
        long[] servedAt = {0};
        long[] firstEventAt = {0};
        Poll.until("partitions of " + topics + " served without node " + victim + " and " + EVENTS_BEFORE_KILL
                + " events of clips captured after the kill", RECOVERY_TIMEOUT, this::checkJob, () -> {
                    events.poll();
                    if (firstEventAt[0] == 0 && events.anyEndedAfter(killedAt)) {
                        firstEventAt[0] = System.nanoTime();
                    }
                    if (servedAt[0] == 0 && KafkaProcessCluster.servedWithout(admin, topics, victim)) {
                        servedAt[0] = System.nanoTime();
                    }
                    return servedAt[0] != 0 && events.countEndedAfter(killedAt) >= EVENTS_BEFORE_KILL;
                });
        measure("broker kill -> every partition led elsewhere, ISR >= 2", Duration.ofNanos(servedAt[0] - kill));
        measure("broker kill -> first new event committed", Duration.ofNanos(firstEventAt[0] - kill));
        measure("broker kill -> " + EVENTS_BEFORE_KILL + " new events committed", Duration.ofNanos(System.nanoTime() - kill));
    }

    /** Per camera, the first seq of every complete clip its acknowledged frames make: the events expected. */
    private static Map<String, Set<Long>> expectedClips(IngestSummary summary, int clipLength) {
        Map<String, Set<Long>> expected = new TreeMap<>();
        for (IngestSummary.CameraResult camera : summary.cameras()) {
            assertThat(camera.failedSends() + camera.dropped() + camera.refused())
                    .as("frames of %s not delivered (failed sends, dropped, refused): %s", camera.cameraId(), camera)
                    .isZero();
            assertThat(camera.lastSeq() - camera.firstSeq() + 1).as("seqs of %s without gaps", camera.cameraId())
                    .isEqualTo(camera.acked());
            Set<Long> clips = new TreeSet<>();
            for (long first = camera.firstSeq(); first + clipLength - 1 <= camera.lastSeq(); first += clipLength) {
                clips.add(first);
            }
            expected.put(camera.cameraId(), clips);
        }
        return expected;
    }

    /**
     * Waits until every expected event is committed and the job has committed its input to the end of the frames
     * topic, then for one more completed checkpoint (so no transaction is still open), and reads to the end.
     */
    private void drain(Admin admin, CommittedEvents events, Map<String, Set<Long>> expected) throws Exception {
        long want = expected.values().stream().mapToLong(Set::size).sum();
        long t = System.nanoTime();
        long[] settledSince = {0};
        try {
            Poll.until(want + " events committed and every frame consumed", DRAIN_TIMEOUT, this::checkJob, () -> {
                boolean atEnd = events.poll();
                boolean consumed = framesCommitted(admin);
                if (atEnd && consumed && events.events().size() < want) {
                    // every frame consumed and committed, every committed event read, and still events missing:
                    // after a few more checkpoints nothing more can come
                    settledSince[0] = settledSince[0] == 0 ? System.nanoTime() : settledSince[0];
                    if (System.nanoTime() - settledSince[0] > SETTLED.toNanos()) {
                        throw new AssertionError("Every frame is consumed and every committed event read, but only "
                                + events.events().size() + " of " + want + " expected events are there");
                    }
                } else {
                    settledSince[0] = 0;
                }
                return atEnd && consumed && events.events().size() >= want;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + drainState(admin, events, expected), e);
        }
        long completed = flink.rest().checkpointCounts(jobId).path("completed").asLong();
        Poll.until("one more checkpoint", DRAIN_TIMEOUT, this::checkJob,
                () -> flink.rest().checkpointCounts(jobId).path("completed").asLong() > completed);
        Poll.until("the events topic read to its end", DRAIN_TIMEOUT, this::checkJob, events::poll);
        measure("drain after the cameras stopped", Duration.ofNanos(System.nanoTime() - t));
    }

    /** Where the drain stands: events missing, offsets of the job's group, open transactions, stable offsets. */
    private String drainState(Admin admin, CommittedEvents events, Map<String, Set<Long>> expected) {
        StringBuilder state = new StringBuilder();
        try {
            Map<String, Set<Long>> seen = new TreeMap<>();
            events.events().values().forEach(event -> seen.computeIfAbsent(event.getCameraId(), id -> new TreeSet<>())
                    .add(event.getFirstSeq()));
            state.append("events read: ").append(events.events().size()).append(" distinct, ")
                    .append(events.records()).append(" records; missing (camera -> first seqs): ")
                    .append(difference(expected, seen)).append('\n');
            state.append("job group offsets: ").append(admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().offset()).sorted().toList()).append('\n');
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < CAMERAS; p++) {
                latest.put(new TopicPartition(FRAMES, p), OffsetSpec.latest());
                latest.put(new TopicPartition(EVENTS, p), OffsetSpec.latest());
            }
            state.append("end offsets (high watermark): ").append(admin.listOffsets(latest).all()
                    .get(10, TimeUnit.SECONDS).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().offset())
                    .sorted().toList()).append('\n');
            Map<TopicPartition, OffsetSpec> stable = new LinkedHashMap<>();
            for (int p = 0; p < CAMERAS; p++) {
                stable.put(new TopicPartition(EVENTS, p), OffsetSpec.latest());
            }
            state.append("last stable offsets (read_committed): ").append(admin.listOffsets(stable,
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().offset())
                    .sorted().toList()).append('\n');
            state.append("transactions not complete: ").append(admin.listTransactions().all()
                    .get(10, TimeUnit.SECONDS).stream()
                    .filter(tx -> !tx.state().toString().startsWith("COMPLETE") && !tx.state().toString().equals("EMPTY"))
                    .map(tx -> tx.transactionalId() + " " + tx.state()).toList()).append('\n');
            state.append("dead letters: ").append(deadLetterReasons()).append('\n');
            state.append("job state: ").append(flink.rest().jobState(jobId)).append(", checkpoints ")
                    .append(flink.rest().checkpointCounts(jobId)).append('\n');
        } catch (Exception e) {
            state.append("(cannot read more: ").append(e).append(")\n");
        }
        return state.toString();
    }

    private static boolean framesCommitted(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < CAMERAS; p++) {
            latest.put(new TopicPartition(FRAMES, p), OffsetSpec.latest());
        }
        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            if ((offset == null ? 0 : offset.offset()) < end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    private void verify(CommittedEvents events, Map<String, Set<Long>> expected, List<CameraSpec> cameras,
                        IngestSummary summary) throws Exception {
        Map<String, Set<Long>> seen = new TreeMap<>();
        for (ClipEvent event : events.events().values()) {
            seen.computeIfAbsent(event.getCameraId(), id -> new TreeSet<>()).add(event.getFirstSeq());
        }
        Map<String, Set<Long>> missing = difference(expected, seen);
        Map<String, Set<Long>> unexpected = difference(seen, expected);
        long want = expected.values().stream().mapToLong(Set::size).sum();
        long correct = 0;
        long continuing = 0;
        long continuingCorrect = 0;
        Map<String, SyntheticCamera> truth = new LinkedHashMap<>();
        for (CameraSpec camera : cameras) {
            SourceSpec.Synthetic synthetic = (SourceSpec.Synthetic) camera.source();
            truth.put(camera.id(), new SyntheticCamera(16, 16, synthetic.action(), synthetic.segmentFrames(),
                    synthetic.seed()));
        }
        for (ClipEvent event : events.events().values()) {
            boolean right = truth.get(event.getCameraId()).actionAt(event.getFirstSeq()).label().equals(event.getLabel());
            correct += right ? 1 : 0;
            if (event.getFirstSeq() % segmentFrames != 0) {
                continuing++;
                continuingCorrect += right ? 1 : 0;
            }
        }
        Map<String, String> deadLetters = deadLetterReasons();
        measurements.put("frames acknowledged", Long.toString(summary.totalAcked()));
        measurements.put("events expected / committed / records read",
                want + " / " + events.events().size() + " / " + events.records());
        measurements.put("model", model + (stream ? " (as streams)" : " (clip by clip)"));
        measurements.put("labels correct", String.format(Locale.ROOT, "%d of %d (%.1f %%)", correct,
                events.events().size(), 100.0 * correct / Math.max(1, events.events().size())));
        if (stream) {
            long cut = events.events().size() - continuing;
            measurements.put("labels correct, clips continuing their scene", String.format(Locale.ROOT,
                    "%d of %d (%.1f %%)", continuingCorrect, continuing, 100.0 * continuingCorrect / Math.max(1, continuing)));
            measurements.put("labels correct, first clips after a cut", String.format(Locale.ROOT, "%d of %d (%.1f %%)",
                    correct - continuingCorrect, cut, 100.0 * (correct - continuingCorrect) / Math.max(1, cut)));
        }
        measurements.put("job restarts / failures", flink.rest().restarts(jobId) + " / " + flink.rest().failures(jobId));
        measurements.put("checkpoints", flink.rest().checkpointCounts(jobId).toString());

        assertThat(events.undecodable()).as("undecodable events").isEmpty();
        assertThat(events.duplicates()).as("events read more than once (read_committed)").isEmpty();
        assertThat(missing).as("events lost (camera -> first seq of the clip)").isEmpty();
        assertThat(unexpected).as("events for clips no camera completed").isEmpty();
        assertThat(events.events()).hasSize((int) want);
        if (stream) {
            assertThat(continuing).as("clips continuing their scene").isGreaterThanOrEqualTo(want / 2 - CAMERAS);
            assertThat(continuingCorrect).as("labels right of %d clips continuing their scene", continuing)
                    .isGreaterThanOrEqualTo((long) Math.ceil(MIN_ACCURACY * continuing));
        } else {
            assertThat(correct).as("labels right of %d events", want)
                    .isGreaterThanOrEqualTo((long) Math.ceil(MIN_ACCURACY * want));
        }
        assertThat(deadLetters).as("dead letters by reason").isEmpty();
        assertThat(flink.rest().checkpointCounts(jobId).path("restored").asLong()).as("restores from a checkpoint")
                .isGreaterThanOrEqualTo(1);
    }

    private static Map<String, Set<Long>> difference(Map<String, Set<Long>> a, Map<String, Set<Long>> b) {
        Map<String, Set<Long>> diff = new TreeMap<>();
        a.forEach((camera, seqs) -> {
            Set<Long> left = new TreeSet<>(seqs);
            left.removeAll(b.getOrDefault(camera, Set.of()));
            if (!left.isEmpty()) {
                diff.put(camera, left);
            }
        });
        return diff;
    }

    /** Dead letters by reason, each with the camera and message of its first letter. */
    private Map<String, String> deadLetterReasons() {
        Map<String, Long> reasons = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        RecordDecoder<DeadLetter> decoder = RecordDecoder.of(DeadLetter.class);
        var properties = new java.util.Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(DEAD_LETTERS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    String reason;
                    try {
                        DeadLetter letter = decoder.decode(record.value());
                        reason = letter.getReason().name();
                        if (!reasons.containsKey(reason)) {
                            reasons.put(reason, 0L);
                            examples.put(reason, record.key() == null ? "" : new String(record.key(),
                                    StandardCharsets.UTF_8) + ": " + letter.getMessage());
                        }
                    } catch (RecordDecodeException e) {
                        reason = "UNDECODABLE";
                    }
                    reasons.merge(reason, 1L, Long::sum);
                }
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        Map<String, String> described = new TreeMap<>();
        reasons.forEach((reason, count) -> described.put(reason, count + " (first: " + examples.get(reason) + ")"));
        return described;
    }

    private String flinkLogTails() {
        StringBuilder tails = new StringBuilder(flink.jobManager().logTail(25));
        flink.taskManagers().forEach((id, process) -> tails.append(process.logTail(25)));
        return tails.toString();
    }

    /** Fail fast: a dead process that should be running. */
    private void checkProcesses() {
        if (kafka != null) {
            kafka.checkAlive(killedBrokers);
        }
        if (flink != null) {
            flink.checkAlive(killedTaskManagers);
        }
    }

    /** Fail fast: a dead process, or the job FAILED (its exceptions and the JobManager's log in the message). */
    private void checkJob() throws Exception {
        checkProcesses();
        String state;
        try {
            state = flink.rest().jobState(jobId);
        } catch (IOException e) {
            return; // a busy JobManager that answers late; its death is caught by checkProcesses()
        }
        if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
            throw new AssertionError("Job " + jobId + " is " + state + ":\n" + flink.rest().exceptions(jobId) + "\n"
                    + flink.jobManager().logTail(40));
        }
        int failures = flink.rest().failures(jobId);
        if (failures > failuresAllowed) {
            throw new AssertionError("Job " + jobId + " failed " + failures + " time(s), expected at most "
                    + failuresAllowed + " by now (" + state + "):\n" + flink.rest().exceptions(jobId));
        }
    }

    private void measure(String what, Duration took) {
        measurements.put(what, String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
        System.out.printf(Locale.ROOT, "%-55s %.1f s%n", what, took.toMillis() / 1000.0);
    }

    private void report(long started) {
        StringBuilder out = new StringBuilder("\n=== real cluster test, " + model + ": ")
                .append(String.format(Locale.ROOT, "%.0f s in all%n", (System.nanoTime() - started) / 1e9));
        measurements.forEach((what, value) -> out.append(String.format(Locale.ROOT, "  %-55s %s%n", what, value)));
        out.append("  memory of the processes (RSS at the end, or when killed):\n");
        memory.forEach((name, rss) -> out.append(String.format(Locale.ROOT, "    %-24s %s%n", name, rss)));
        System.out.print(out);
        try {
            Files.writeString(work.resolve("report.txt"), out.toString());
        } catch (IOException e) {
            System.out.println("(cannot write the report: " + e + ")");
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

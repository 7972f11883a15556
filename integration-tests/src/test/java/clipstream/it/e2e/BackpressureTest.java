package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import clipstream.it.demo.ThreadsLeft;
import clipstream.it.local.EmbeddedKafka;
import clipstream.job.config.KafkaSettings;
import clipstream.model.store.ModelManifest;
import clipstream.schema.ClipEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Frames in faster than inference can go: six cameras' frames are all on the topic before the job starts, and
 * overlapping clips (a new one every 4 frames) make inference the bottleneck by far. The job must backpressure
 * instead of queueing: while the events come out, the frames it has not committed yet stay on Kafka (a job that
 * pulled everything in and queued it would have committed them all at once) and the heap stays well below what the
 * queued clips would take. In the end every expected event is there exactly once and the job's consumer lag on the
 * frames topic is back to zero.
 */
class BackpressureTest {
    private static final int CAMERAS = 6;
    private static final int SEGMENTS_PER_CAMERA = 10;
    private static final int STRIDE = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(1500);
    /** Heap (after a full GC) the run may add: well below the ~170 MB its clips would take if they were queued. */
    private static final long MAX_HEAP_GROWTH = 96L << 20;

    private static Set<Thread> threadsBefore;
    private static EmbeddedKafka kafka;
    private static TestFlink flink;

    @BeforeAll
    static void startStack() throws Exception {
        threadsBefore = Thread.getAllStackTraces().keySet();
        kafka = EmbeddedKafka.start();
        flink = TestFlink.start(1);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        assertThat(ThreadsLeft.since(threadsBefore, Duration.ofSeconds(10))).as("non-daemon threads left").isEmpty();
    }

    @Test
    void aBacklogIsWorkedOffUnderBackpressureWithBoundedMemoryNoLossAndTheLagBackToZero() throws Exception {
        ModelManifest model = E2eJobs.manifest();
        int clipLength = model.frames();
        long framesPerCamera = (long) SEGMENTS_PER_CAMERA * clipLength;
        long totalFrames = CAMERAS * framesPerCamera;
        int clipsPerCamera = (int) ((framesPerCamera - clipLength) / STRIDE + 1);
        int expected = CAMERAS * clipsPerCamera;
        long clipBytes = (long) clipLength * model.width() * model.height() * 3;
        String frames = E2eJobs.unique("frames");
        String events = E2eJobs.unique("events");
        String dlq = E2eJobs.unique("dlq");
        kafka.createTopics(Map.of(frames, CAMERAS, events, CAMERAS, dlq, 1));
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        KafkaSettings settings = E2eJobs.kafka(kafka.bootstrapServers(), frames, events, dlq, E2eJobs.unique("job"));
        try (var ingest = cameras.ingest(kafka.bootstrapServers(), SyntheticCameras.settings(frames, model.width(),
                model.height(), framesPerCamera, 0, null))) {
            ingest.await(Duration.ofSeconds(60), framesPerCamera);
        }

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = heapAfterGc(memory);
        long maxHeap = heapBefore;
        double maxBackpressure = 0;
        long lagAtAQuarter = -1;
        int samples = 0;
        List<ClipEvent> all;
        long started = System.nanoTime();
        double allEventsSeconds;
        double lagZeroSeconds;
        try (RunningJob job = flink.submit(E2eJobs.job(settings, STRIDE, Duration.ofMillis(500), false));
             var output = new CommittedTopic<>(kafka.bootstrapServers(), events, ClipEvent.class);
             Admin admin = kafka.admin()) {
            job.awaitAllTasksRunning(TIMEOUT);
            String source = job.vertexId("Source");
            long nextSample = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (distinct(output.received()) < expected) {
                job.check();
                assertThat(System.nanoTime()).as("all %d events within %s", expected, TIMEOUT).isLessThan(deadline);
                output.poll();
                if (System.nanoTime() >= nextSample) {
                    nextSample = System.nanoTime() + SAMPLE_EVERY.toNanos();
                    samples++;
                    maxHeap = Math.max(maxHeap, heapAfterGc(memory));
                    maxBackpressure = Math.max(maxBackpressure, backpressure(flink, job, source));
                    if (lagAtAQuarter < 0 && distinct(output.received()) >= expected / 4) {
                        lagAtAQuarter = CommittedTopic.lag(admin, settings.consumerGroup(), frames);
                    }
                }
            }
            allEventsSeconds = (System.nanoTime() - started) / 1e9;
            ExactlyOnceUnderFailureTest.awaitFramesCommitted(admin, settings.consumerGroup(), frames, job);
            lagZeroSeconds = (System.nanoTime() - started) / 1e9;
            all = output.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
            job.check();
        }
        System.out.printf("BackpressureTest: %d frames, %d clips in %.1f s (lag 0 at %.1f s); lag when a quarter of"
                        + " the events were out: %d frames; max source backpressure %.2f; heap after GC %d MB before,"
                        + " max %d MB during (%d samples); all clips queued would be %d MB%n", totalFrames, expected,
                allEventsSeconds, lagZeroSeconds, lagAtAQuarter, maxBackpressure, heapBefore >> 20, maxHeap >> 20,
                samples, expected * clipBytes >> 20);

        assertThat(all).as("events, duplicates included").hasSize(expected);
        assertThat(all).extracting(ClipEvent::getEventId).doesNotHaveDuplicates();
        Set<String> expectedClips = new HashSet<>();
        for (String camera : cameras.ids()) {
            for (long first = 0; first + clipLength <= framesPerCamera; first += STRIDE) {
                expectedClips.add(camera + "#" + first);
            }
        }
        assertThat(all.stream().map(e -> e.getCameraId() + "#" + e.getFirstSeq()).collect(Collectors.toSet()))
                .isEqualTo(expectedClips);

        assertThat(maxBackpressure).as("the source was backpressured (frames came faster than inference)")
                .isGreaterThanOrEqualTo(0.5);
        assertThat(lagAtAQuarter).as("frames still waiting on Kafka when a quarter of the events were out: the job"
                + " pulls frames as inference takes them").isGreaterThanOrEqualTo((long) (totalFrames * 0.3));
        assertThat(maxHeap - heapBefore).as("heap growth after GC while the backlog is worked off")
                .isLessThan(MAX_HEAP_GROWTH);
    }

    private static long distinct(List<CommittedTopic.Received<ClipEvent>> received) {
        return received.stream().map(r -> r.value().getEventId()).distinct().count();
    }

    /** Heap in use after a full collection: what is really held. */
    private static long heapAfterGc(MemoryMXBean memory) {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The source's backpressured share of the last second (REST backpressure endpoint), 0 while unknown. */
    private static double backpressure(TestFlink flink, RunningJob job, String vertex) throws Exception {
        JsonNode answer = flink.rest("/jobs/" + job.id() + "/vertices/" + vertex + "/backpressure");
        double max = 0;
        for (JsonNode subtask : answer.path("subtasks")) {
            max = Math.max(max, subtask.path("ratio").asDouble());
        }
        return max;
    }
}

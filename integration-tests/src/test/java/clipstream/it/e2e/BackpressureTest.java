package clipstream.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Frames in faster than inference can go: six cameras' frames are all on the topic before the job starts, and
 * overlapping clips (a new one every 4 frames) make inference the bottleneck by far. The job must backpressure
 * instead of queueing: while the events come out, most frames are still on Kafka, not fetched by the source (its
 * {@code pendingRecords} lag; a job that pulled everything in and queued it would have fetched them all at once),
 * and the heap after GC stays well below what the queued clips would take. In the end every expected event is there exactly once and the job's consumer lag on the
 * frames topic is back to zero.
 */
class BackpressureTest {
    private static final int CAMERAS = 6;
    private static final int SEGMENTS_PER_CAMERA = 10;
    private static final int STRIDE = 4;
    /** Generous: on a quiet 2-core machine the backlog takes ~10 s, on a shared one several times that. */
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    /** A full GC stops the job too: sample the heap a few times, not continuously. */
    private static final Duration HEAP_SAMPLE_EVERY = Duration.ofSeconds(4);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    /** Heap (after a full GC) the run may add: well below the ~170 MB its clips would take if they were queued. */
    private static final long MAX_HEAP_GROWTH = 96L << 20;

    @RegisterExtension
    static final E2eStack STACK = new E2eStack(1);

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
        STACK.kafka().createTopics(Map.of(frames, CAMERAS, events, CAMERAS, dlq, 1));
        SyntheticCameras cameras = SyntheticCameras.onDistinctPartitions(CAMERAS, CAMERAS, clipLength);
        // small fetches, so that what the source has fetched shows what the job has taken in: by default the Kafka
        // consumer alone would buffer about a megabyte per partition, most of this backlog
        KafkaSettings settings = E2eJobs.kafka(STACK.kafka().bootstrapServers(), frames, events, dlq, E2eJobs.unique("job"),
                Map.of("max.partition.fetch.bytes", "65536", "max.poll.records", "50"));
        try (var ingest = cameras.ingest(STACK.kafka().bootstrapServers(), SyntheticCameras.settings(frames, model.width(),
                model.height(), framesPerCamera, 0, null))) {
            ingest.await(Duration.ofSeconds(60), framesPerCamera);
        }

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = heapAfterGc(memory);
        long maxHeap = heapBefore;
        double maxBackpressure = 0;
        double backPressuredMs = 0;
        long lagAtAQuarter = -1;
        double pendingAtAQuarter = -1;
        int heapSamples = 0;
        List<ClipEvent> all;
        long started = System.nanoTime();
        double allEventsSeconds;
        double lagZeroSeconds;
        try (RunningJob job = STACK.flink().submit(E2eJobs.job(settings, STRIDE, Duration.ofMillis(500), false));
             var output = new CommittedTopic<>(STACK.kafka().bootstrapServers(), events, ClipEvent.class);
             Admin admin = STACK.kafka().admin()) {
            job.awaitAllTasksRunning(TIMEOUT);
            String source = job.vertexId("Source");
            long nextSample = 0;
            long nextHeapSample = System.nanoTime() + HEAP_SAMPLE_EVERY.toNanos();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (distinct(output.received()) < expected) {
                job.check();
                assertThat(System.nanoTime()).as("all %d events within %s (got %d)", expected, TIMEOUT,
                        distinct(output.received())).isLessThan(deadline);
                output.poll();
                if (System.nanoTime() >= nextSample) {
                    nextSample = System.nanoTime() + SAMPLE_EVERY.toNanos();
                    if (System.nanoTime() >= nextHeapSample) {
                        nextHeapSample = System.nanoTime() + HEAP_SAMPLE_EVERY.toNanos();
                        heapSamples++;
                        maxHeap = Math.max(maxHeap, heapAfterGc(memory));
                    }
                    maxBackpressure = Math.max(maxBackpressure, backpressure(STACK.flink(), job, source));
                    if (lagAtAQuarter < 0 && distinct(output.received()) >= expected / 4) {
                        lagAtAQuarter = CommittedTopic.lag(admin, settings.consumerGroup(), frames);
                        pendingAtAQuarter = job.metric("Source", "pendingRecords").orElse(-1.0);
                        heapSamples++; // at least this one sample is taken mid-run, however fast the run
                        maxHeap = Math.max(maxHeap, heapAfterGc(memory));
                    }
                }
            }
            allEventsSeconds = (System.nanoTime() - started) / 1e9;
            // the source task's total time backpressured (Flink's accumulated task metric), for the record: the
            // premise (frames faster than inference) holds by construction — the whole backlog is on the topic
            // before the job starts — and timing-based checks of it (fetch lag, the cached REST ratio, this
            // metric) can each come out low on a quiet machine, so none of them is asserted
            backPressuredMs = job.metric("Source", "accumulateBackPressuredTimeMs").orElse(-1.0);
            ExactlyOnceUnderFailureTest.awaitFramesCommitted(admin, settings.consumerGroup(), frames, job);
            lagZeroSeconds = (System.nanoTime() - started) / 1e9;
            all = output.readToEnd(Duration.ofSeconds(30)).stream().map(CommittedTopic.Received::value).toList();
            job.check();
        }
        System.out.printf("BackpressureTest: %d frames, %d clips in %.1f s (committed lag 0 at %.1f s); when a quarter"
                        + " of the events were out: %.0f frames not yet fetched by the source (pendingRecords), %d"
                        + " not yet committed by the group; max source backpressure %.2f (%.0f ms in all); heap after GC %d MB before,"
                        + " max %d MB during (%d samples); all clips queued would be %d MB%n", totalFrames, expected,
                allEventsSeconds, lagZeroSeconds, pendingAtAQuarter, lagAtAQuarter, maxBackpressure, backPressuredMs,
                heapBefore >> 20,
                maxHeap >> 20,
                heapSamples, expected * clipBytes >> 20);

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


        // The source's pendingRecords lag (frames not yet fetched when a quarter of the events were out) is printed
        // above but not asserted: on a quiet machine the model keeps up well enough that the fetcher can be ahead
        // at that point (lag 0 while the source is fully backpressured), so it measures timing, not boundedness.
        // Boundedness is what the heap assertion checks.
        assertThat(heapSamples).as("heap samples while the backlog is worked off").isPositive();
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

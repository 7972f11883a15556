package clipstream.ingest.run;

import clipstream.ingest.publish.PublishedSeqs;
import clipstream.schema.Frame;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests many cameras into Kafka in this process, each on its own threads and keyed by its id, through one
 * shared producer. The programmatic entry point (the CLI, the demo and the tests use it):
 *
 * <pre>{@code
 * try (var producer = FrameProducers.create(FrameProducers.properties(bootstrap, Map.of()))) {
 *     IngestRunner runner = new IngestRunner(settings, cameras, producer);
 *     runner.start();
 *     IngestSummary summary = runner.awaitSummary();   // or stop() first, e.g. on Ctrl-C
 * }
 * }</pre>
 *
 * The caller owns the producer; the runner flushes it before its summary. Give the producer
 * {@code FrameProducers.fitBatchesTo(properties, settings.sizeLimit())} when the topic's limit is below the
 * producer's batch size. Settings that resume seqs ({@link IngestSettings#resumeSeq()}) need a
 * {@link PublishedSeqs} to read the topic back with.
 */
public final class IngestRunner {
    private static final Logger log = LoggerFactory.getLogger(IngestRunner.class);

    private final IngestSettings settings;
    private final List<CameraIngest> cameras;
    private final Producer<String, Frame> producer;
    private final PublishedSeqs publishedSeqs;
    private final String topic;
    private final ProgressReporter progress;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile IngestSummary summary;
    private boolean started;

    /**
     * @param publishedSeqs reads each camera's highest seq back from the topic when {@code settings} resume seqs;
     *     null when they do not
     * @param progressOut where a progress line per camera goes every {@code progressInterval}; null for none
     */
    public IngestRunner(IngestSettings settings, List<CameraSpec> cameras, Producer<String, Frame> producer,
                        PublishedSeqs publishedSeqs, PrintWriter progressOut, Duration progressInterval) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("No camera to ingest: give at least one --camera ID=SOURCE");
        }
        if (settings.resumeSeq() && publishedSeqs == null) {
            throw new IllegalArgumentException("Resuming seqs (--start-seq resume) needs a PublishedSeqs to read the"
                    + " topic back with");
        }
        CameraSpec.requireUniqueIds(cameras);
        this.settings = settings;
        this.cameras = cameras.stream().map(camera -> new CameraIngest(camera, settings, producer)).toList();
        this.producer = producer;
        this.publishedSeqs = publishedSeqs;
        this.topic = settings.topic();
        this.progress = progressOut == null ? null
                : new ProgressReporter(this.cameras.stream().map(CameraIngest::stats).toList(), progressOut,
                        progressInterval);
    }

    /** A runner without progress output. */
    public IngestRunner(IngestSettings settings, List<CameraSpec> cameras, Producer<String, Frame> producer,
                        PublishedSeqs publishedSeqs) {
        this(settings, cameras, producer, publishedSeqs, null, Duration.ZERO);
    }

    /** A runner without progress output that does not resume seqs. */
    public IngestRunner(IngestSettings settings, List<CameraSpec> cameras, Producer<String, Frame> producer) {
        this(settings, cameras, producer, null);
    }

    /**
     * Makes sure the topic exists and has a leader, then starts every camera and returns.
     *
     * @throws IllegalStateException when the topic is not available within the producer's {@code max.block.ms}
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("Already started");
        }
        started = true;
        awaitTopic();
        Map<String, Long> published = settings.resumeSeq()
                ? publishedSeqs.highest(topic, cameras.stream().map(CameraIngest::id).toList()) : Map.of();
        for (CameraIngest camera : cameras) {
            camera.start(firstSeq(camera.id(), published));
        }
        if (progress != null) {
            progress.start();
        }
        Thread waiter = new Thread(this::awaitCameras, "ingest-finisher");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Where a camera starts: right after its highest seq on the topic when resuming and it has one, else startSeq. */
    private long firstSeq(String cameraId, Map<String, Long> published) {
        Long highest = published.get(cameraId);
        if (highest == null) {
            if (settings.resumeSeq()) {
                log.info("Camera {} has no frame in the tail of topic '{}': starting at seq {}", cameraId, topic,
                        settings.startSeq());
            }
            return settings.startSeq();
        }
        log.info("Camera {} resumes after seq {}, its highest on topic '{}'", cameraId, highest, topic);
        return highest + 1; // past Long.MAX_VALUE it is negative, and the camera fails saying it has no seq left
    }

    /**
     * Fetches the topic's partitions (auto-creating it where the broker allows) before any frame is sent. Sending
     * straight into a topic that is being auto-created can lose the first batch with an idempotent producer and
     * several requests in flight (KAFKA-15591: it is retried with OUT_OF_ORDER_SEQUENCE_NUMBER until
     * delivery.timeout.ms expires it).
     */
    private void awaitTopic() {
        try {
            producer.partitionsFor(topic);
        } catch (KafkaException e) {
            throw new IllegalStateException("Topic '" + topic + "' is not available (" + e.getMessage() + "): create"
                    + " it, or let the broker auto-create topics (auto.create.topics.enable=true)", e);
        }
    }

    /** Asks every camera to stop; what was read is still published. Returns at once. */
    public void stop() {
        cameras.forEach(CameraIngest::stop);
    }

    /** Waits until every camera has ended and the producer is flushed; the summary, or null on timeout. */
    public IngestSummary awaitSummary(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS) ? summary : null;
    }

    /** Waits as long as the cameras run (forever for live sources until {@link #stop()}). */
    public IngestSummary awaitSummary() throws InterruptedException {
        finished.await();
        return summary;
    }

    /** Live counters, one per camera, in the order given. */
    public List<CameraStats> stats() {
        return cameras.stream().map(CameraIngest::stats).toList();
    }

    private void awaitCameras() {
        try {
            for (CameraIngest camera : cameras) {
                while (!camera.await(Duration.ofDays(1))) {
                    // a camera may run for days; keep waiting
                }
            }
            producer.flush();
            cameras.forEach(CameraIngest::finish);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (progress != null) {
                progress.stop();
            }
            summary = IngestSummary.of(stats());
            finished.countDown();
        }
    }
}

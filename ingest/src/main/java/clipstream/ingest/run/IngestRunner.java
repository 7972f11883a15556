package clipstream.ingest.run;

import clipstream.ingest.publish.PublishedSeqs;
import clipstream.ingest.source.SourceSpec;
import clipstream.schema.Frame;
import clipstream.schema.PersonPoses;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
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
 * shared producer (and, for synthetic-people cameras, which publish poses to {@code settings.posesTopic()}, a
 * second one of {@code PersonPoses}). The programmatic entry point (the CLI, the demo and the tests use it):
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
    private final List<CameraRun> cameras;
    private final Producer<String, Frame> producer;
    private final Producer<String, PersonPoses> posesProducer;
    private final PublishedSeqs publishedSeqs;
    private final String topic;
    private final ProgressReporter progress;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile IngestSummary summary;
    private boolean started;

    /**
     * @param producer the frames producer; null when every camera publishes poses
     * @param posesProducer the producer of the synthetic-people cameras' {@code PersonPoses}
     *     ({@code FrameProducers.createForPoses}, to {@code settings.posesTopic()}); null when there are none
     * @param publishedSeqs reads each camera's highest seq back from the topic when {@code settings} resume seqs;
     *     null when they do not
     * @param progressOut where a progress line per camera goes every {@code progressInterval}; null for none
     */
    public IngestRunner(IngestSettings settings, List<CameraSpec> cameras, Producer<String, Frame> producer,
                        Producer<String, PersonPoses> posesProducer, PublishedSeqs publishedSeqs,
                        PrintWriter progressOut, Duration progressInterval) {
        if (cameras.isEmpty()) {
            throw new IllegalArgumentException("No camera to ingest: give at least one --camera ID=SOURCE");
        }
        if (settings.resumeSeq() && publishedSeqs == null) {
            throw new IllegalArgumentException("Resuming seqs (--start-seq resume) needs a PublishedSeqs to read the"
                    + " topic back with");
        }
        CameraSpec.requireUniqueIds(cameras);
        this.settings = settings;
        this.cameras = cameras.stream().map(camera -> run(camera, settings, producer, posesProducer)).toList();
        this.producer = producer;
        this.posesProducer = posesProducer;
        this.publishedSeqs = publishedSeqs;
        this.topic = settings.topic();
        this.progress = progressOut == null ? null
                : new ProgressReporter(this.cameras.stream().map(CameraRun::stats).toList(), progressOut,
                        progressInterval);
    }

    /** A runner of frames cameras only. */
    public IngestRunner(IngestSettings settings, List<CameraSpec> cameras, Producer<String, Frame> producer,
                        PublishedSeqs publishedSeqs, PrintWriter progressOut, Duration progressInterval) {
        this(settings, cameras, producer, null, publishedSeqs, progressOut, progressInterval);
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

    private static CameraRun run(CameraSpec camera, IngestSettings settings, Producer<String, Frame> producer,
                                 Producer<String, PersonPoses> posesProducer) {
        if (camera.source() instanceof SourceSpec.SyntheticPeople) {
            if (posesProducer == null) {
                throw new IllegalArgumentException("Camera " + camera.id() + " (" + camera.source().describe()
                        + ") publishes poses: the runner needs a poses producer (FrameProducers.createForPoses)");
            }
            return new PoseCameraIngest(camera, settings, posesProducer);
        }
        if (producer == null) {
            throw new IllegalArgumentException("Camera " + camera.id() + " (" + camera.source().describe()
                    + ") publishes frames: the runner needs a frames producer (FrameProducers.create)");
        }
        return new CameraIngest(camera, settings, producer);
    }

    /**
     * Makes sure the topics exist and have a leader, then starts every camera and returns.
     *
     * @throws IllegalStateException when a topic is not available within the producer's {@code max.block.ms}
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("Already started");
        }
        started = true;
        List<String> frameCameras = ids(CameraIngest.class);
        List<String> poseCameras = ids(PoseCameraIngest.class);
        if (!frameCameras.isEmpty()) {
            awaitTopic(producer, topic);
        }
        if (!poseCameras.isEmpty()) {
            awaitTopic(posesProducer, settings.posesTopic());
        }
        Map<String, Long> published = new HashMap<>();
        if (settings.resumeSeq()) {
            if (!frameCameras.isEmpty()) {
                published.putAll(publishedSeqs.highest(topic, frameCameras));
            }
            if (!poseCameras.isEmpty()) {
                published.putAll(publishedSeqs.highestPoses(settings.posesTopic(), poseCameras));
            }
        }
        for (CameraRun camera : cameras) {
            camera.start(firstSeq(camera, published));
        }
        if (progress != null) {
            progress.start();
        }
        Thread waiter = new Thread(this::awaitCameras, "ingest-finisher");
        waiter.setDaemon(true);
        waiter.start();
    }

    private List<String> ids(Class<? extends CameraRun> kind) {
        return cameras.stream().filter(kind::isInstance).map(CameraRun::id).toList();
    }

    /** Where a camera starts: right after its highest seq on the topic when resuming and it has one, else startSeq. */
    private long firstSeq(CameraRun camera, Map<String, Long> published) {
        String cameraTopic = camera instanceof PoseCameraIngest ? settings.posesTopic() : topic;
        Long highest = published.get(camera.id());
        if (highest == null) {
            if (settings.resumeSeq()) {
                log.info("Camera {} has no record in the tail of topic '{}': starting at seq {}", camera.id(),
                        cameraTopic, settings.startSeq());
            }
            return settings.startSeq();
        }
        log.info("Camera {} resumes after seq {}, its highest on topic '{}'", camera.id(), highest, cameraTopic);
        return highest + 1; // past Long.MAX_VALUE it is negative, and the camera fails saying it has no seq left
    }

    /**
     * Fetches the topic's partitions (auto-creating it where the broker allows) before any frame is sent. Sending
     * straight into a topic that is being auto-created can lose the first batch with an idempotent producer and
     * several requests in flight (KAFKA-15591: it is retried with OUT_OF_ORDER_SEQUENCE_NUMBER until
     * delivery.timeout.ms expires it).
     */
    private static void awaitTopic(Producer<String, ?> producer, String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (KafkaException e) {
            throw new IllegalStateException("Topic '" + topic + "' is not available (" + e.getMessage() + "): create"
                    + " it, or let the broker auto-create topics (auto.create.topics.enable=true)", e);
        }
    }

    /** Asks every camera to stop; what was read is still published. Returns at once. */
    public void stop() {
        cameras.forEach(CameraRun::stop);
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
        return cameras.stream().map(CameraRun::stats).toList();
    }

    private void awaitCameras() {
        try {
            for (CameraRun camera : cameras) {
                while (!camera.await(Duration.ofDays(1))) {
                    // a camera may run for days; keep waiting
                }
            }
            if (producer != null) {
                producer.flush();
            }
            if (posesProducer != null) {
                posesProducer.flush();
            }
            cameras.forEach(CameraRun::finish);
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

package clipstream.ingest.run;

import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.pacing.RealTimePacer;
import clipstream.ingest.pacing.StopSignal;
import clipstream.ingest.source.CapturedPoses;
import clipstream.ingest.source.SourceSpec;
import clipstream.ingest.source.SyntheticPeopleSource;
import clipstream.media.people.PeopleScene;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera that runs pose estimation itself (a synthetic-people camera): a camera thread takes each frame's people
 * from its source, paces them like frames, gives them the next seq and a capture time, and sends them as a
 * {@code PersonPoses} record, keyed by camera id, to the edge poses topic through the shared idempotent producer.
 * Seqs and capture times follow the frames' rules: seq {@code n} of the camera is the scene's frame {@code n}, capture
 * times run from the start in media time. Records are a few kilobytes, so the producer's own bounded buffer stands
 * between the camera and Kafka (a full one blocks the camera). A failure ends this camera only.
 */
final class PoseCameraIngest implements CameraRun {
    private static final Logger log = LoggerFactory.getLogger(PoseCameraIngest.class);
    /** What the synthetic cameras' poses say made them. */
    static final String MODEL_NAME = "synthetic-people";

    private final CameraSpec camera;
    private final SourceSpec.SyntheticPeople source;
    private final IngestSettings settings;
    private final Producer<String, PersonPoses> producer;
    private final CameraStats stats;
    private final StopSignal stop = new StopSignal();
    private final Thread reader;
    private volatile CameraState endState = CameraState.COMPLETED;
    private long firstSeq;

    PoseCameraIngest(CameraSpec camera, IngestSettings settings, Producer<String, PersonPoses> producer) {
        this.camera = camera;
        this.source = (SourceSpec.SyntheticPeople) camera.source();
        this.settings = settings;
        this.producer = producer;
        this.stats = new CameraStats(camera.id(), source.describe());
        this.reader = new Thread(this::read, "camera-" + camera.id());
    }

    @Override
    public CameraStats stats() {
        return stats;
    }

    @Override
    public String id() {
        return camera.id();
    }

    @Override
    public void start(long firstSeq) {
        this.firstSeq = firstSeq;
        stats.started();
        reader.start();
    }

    @Override
    public void stop() {
        endState = CameraState.STOPPED;
        stop.raise();
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        reader.join(Math.max(1, timeout.toMillis()));
        return !reader.isAlive();
    }

    @Override
    public void finish() {
        stats.end(endState);
    }

    private void read() {
        log.info("Camera {} publishing poses of {} to topic '{}'", camera.id(), source.describe(),
                settings.posesTopic());
        try {
            pump(new SyntheticPeopleSource(source, settings.generatedFps(), firstSeq));
        } catch (InterruptedException e) {
            endState = CameraState.STOPPED;
            Thread.currentThread().interrupt();
        } catch (KafkaException e) {
            fail("Kafka did not take poses of camera " + camera.id() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            fail("Camera " + camera.id() + " (" + source.describe() + ") failed: " + e);
            log.error("Camera {} failed", camera.id(), e);
        }
    }

    private void pump(SyntheticPeopleSource people) throws InterruptedException {
        RealTimePacer pacer = settings.pacing() == Pacing.REALTIME ? new RealTimePacer(stop) : null;
        long startMillis = System.currentTimeMillis();
        long seq = firstSeq;
        while (!stop.raised()) {
            CapturedPoses frame = people.next();
            stats.captured.incrementAndGet();
            if (pacer != null && !pacer.awaitDue(frame.timeMicros())) {
                return;
            }
            long captureMillis = startMillis + frame.timeMicros() / 1_000;
            if (settings.duration().isPresent() && frame.timeMicros() / 1_000 >= settings.duration().get().toMillis()) {
                return;
            }
            if (seq < 0) {
                fail("Camera " + camera.id() + " has no seq left: the next would pass Long.MAX_VALUE (resumed after"
                        + " a record on topic '" + settings.posesTopic() + "' that claims it?); give --start-seq N");
                return;
            }
            PersonPoses record = record(seq, captureMillis, frame);
            stats.seq(seq);
            seq++;
            producer.send(new ProducerRecord<>(settings.posesTopic(), camera.id(), record), (metadata, error) -> {
                if (error == null) {
                    stats.acked.incrementAndGet();
                    stats.ackedBytes.addAndGet(metadata.serializedValueSize());
                } else {
                    stats.failedSends.incrementAndGet();
                    fail("Kafka did not take poses of camera " + camera.id() + ": " + error.getMessage());
                }
            });
            stats.sent.incrementAndGet();
            stats.published.incrementAndGet();
            if (settings.maxFrames().isPresent() && stats.published() >= settings.maxFrames().getAsLong()) {
                return;
            }
        }
    }

    private PersonPoses record(long seq, long captureMillis, CapturedPoses frame) {
        List<Person> people = new ArrayList<>(frame.people().size());
        for (PeopleScene.SeenPerson seen : frame.people()) {
            List<Keypoint> keypoints = new ArrayList<>(seen.keypoints().length);
            for (float[] k : seen.keypoints()) {
                keypoints.add(new Keypoint(k[0], k[1], k[2]));
            }
            // the scene's person id stands for the edge device's own track id: the job does not trust it
            people.add(new Person(seen.personId(), seen.score(), seen.xMin(), seen.yMin(), seen.xMax(), seen.yMax(),
                    keypoints));
        }
        return PersonPoses.newBuilder().setCameraId(camera.id()).setSeq(seq)
                .setCaptureTime(Instant.ofEpochMilli(captureMillis)).setWidth(frame.width())
                .setHeight(frame.height()).setModelName(MODEL_NAME).setModelVersion("1").setPeople(people).build();
    }

    private void fail(String message) {
        stats.fail(message);
        log.error(message);
        stop.raise();
    }
}

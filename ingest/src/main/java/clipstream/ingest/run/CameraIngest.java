package clipstream.ingest.run;

import clipstream.ingest.encode.PixelEncoder;
import clipstream.ingest.pacing.FrameRateSampler;
import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.pacing.RealTimePacer;
import clipstream.ingest.pacing.StopSignal;
import clipstream.ingest.publish.DeliveryListener;
import clipstream.ingest.publish.FrameBuffer;
import clipstream.ingest.publish.FramePublisher;
import clipstream.ingest.publish.FrameSizeGuard;
import clipstream.ingest.publish.OverflowPolicy;
import clipstream.ingest.source.CameraSource;
import clipstream.ingest.source.CapturedFrame;
import clipstream.ingest.source.SourceOptions;
import clipstream.ingest.source.SourceSpec;
import clipstream.ingest.source.Sources;
import clipstream.ingest.source.TimeBase;
import clipstream.schema.Frame;
import clipstream.schema.FrameEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera: a camera thread reads its source, resamples and paces it, gives each frame the next seq and a
 * capture time, encodes the pixels and hands the Frame to a bounded buffer; a publisher thread sends the buffer
 * to Kafka. A failure of either ends this camera only.
 */
public final class CameraIngest implements CameraRun {
    private static final Logger log = LoggerFactory.getLogger(CameraIngest.class);

    private final CameraSpec camera;
    private final IngestSettings settings;
    private final CameraStats stats;
    private final StopSignal stop = new StopSignal();
    private final FrameBuffer buffer;
    private final FrameSizeGuard guard;
    private final Thread reader;
    private final Thread publisher;
    private volatile CameraState endState = CameraState.COMPLETED;
    private long firstSeq;

    public CameraIngest(CameraSpec camera, IngestSettings settings, Producer<String, Frame> producer) {
        this.camera = camera;
        this.settings = settings;
        this.stats = new CameraStats(camera.id(), camera.source().describe());
        this.buffer = new FrameBuffer(settings.bufferFrames(), overflowPolicy(camera.source(), settings));
        this.guard = new FrameSizeGuard(settings.sizeLimit());
        stats.droppedCountedBy(buffer::dropped);
        FramePublisher sender = new FramePublisher(buffer, producer, settings.topic(), camera.id(), new Delivery());
        this.reader = new Thread(this::read, "camera-" + camera.id());
        this.publisher = new Thread(() -> {
            sender.run();
            stats.dropped(buffer.dropped());
        }, "publisher-" + camera.id());
    }

    /** Live feeds drop their oldest frames when Kafka falls behind; recordings wait. */
    static OverflowPolicy overflowPolicy(SourceSpec source, IngestSettings settings) {
        boolean live = source instanceof SourceSpec.LiveStream
                || (source instanceof SourceSpec.Synthetic && settings.pacing() == Pacing.REALTIME);
        return live ? OverflowPolicy.DROP_OLDEST : OverflowPolicy.BLOCK;
    }

    @Override
    public CameraStats stats() {
        return stats;
    }

    @Override
    public String id() {
        return camera.id();
    }

    /** Starts reading and publishing; the camera's first frame gets {@code firstSeq}. */
    @Override
    public void start(long firstSeq) {
        this.firstSeq = firstSeq;
        stats.started();
        publisher.start();
        reader.start();
    }

    /** Asks the camera to stop after the frame in hand; what was read is still published. */
    @Override
    public void stop() {
        endState = CameraState.STOPPED;
        stop.raise();
    }

    /** Waits until the camera and its publisher have finished, up to {@code timeout}. */
    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        publisher.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        return !reader.isAlive() && !publisher.isAlive();
    }

    /** Marks the camera ended once everything it sent has been acknowledged or failed. */
    @Override
    public void finish() {
        stats.end(endState);
    }

    private void read() {
        SourceOptions options = new SourceOptions(settings.width(), settings.height(), settings.generatedFps(),
                settings.loop(), firstSeq, overflowPolicy(camera.source(), settings) == OverflowPolicy.DROP_OLDEST,
                settings.reconnect(), settings.readTimeout());
        try (CameraSource source = Sources.open(camera.source(), options, stop);
             PixelEncoder encoder = new PixelEncoder(settings.encoding(), settings.width(), settings.height(),
                     settings.jpegQuality())) {
            log.info("Camera {} reading {}", camera.id(), camera.source().describe());
            try {
                pump(source, encoder);
            } finally {
                stats.interruptions(source); // also when the source gave up reconnecting
            }
        } catch (IOException e) {
            stats.fail(e.getMessage());
            log.error("Camera {} failed: {}", camera.id(), e.getMessage());
        } catch (InterruptedException e) {
            endState = CameraState.STOPPED;
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            stats.fail("Camera " + camera.id() + " (" + camera.source().describe() + ") failed: " + e);
            log.error("Camera {} failed", camera.id(), e);
        } finally {
            buffer.close();
        }
    }

    private void pump(CameraSource source, PixelEncoder encoder) throws IOException, InterruptedException {
        // synthetic cameras and image folders are generated at the target rate already; resampling them would
        // break the seq = generator index correspondence that gives synthetic frames their ground truth
        boolean generated = camera.source() instanceof SourceSpec.Synthetic
                || camera.source() instanceof SourceSpec.ImageFolder;
        FrameRateSampler sampler = settings.fps().isPresent() && !generated
                ? new FrameRateSampler(settings.fps().getAsDouble()) : null;
        RealTimePacer pacer = settings.pacing() == Pacing.REALTIME && source.timeBase() == TimeBase.MEDIA
                ? new RealTimePacer(stop) : null;
        long seq = firstSeq;
        long firstMediaMicros = Long.MIN_VALUE;
        long startEpochMicros = 0;
        long firstCaptureMillis = Long.MIN_VALUE;
        while (!stop.raised()) {
            CapturedFrame frame = source.next();
            stats.interruptions(source);
            if (frame == null) {
                return;
            }
            stats.captured.incrementAndGet();
            if (sampler != null && !sampler.keep(frame.timeMicros())) {
                continue;
            }
            if (pacer != null && !pacer.awaitDue(frame.timeMicros())) {
                return;
            }
            long captureMillis;
            if (source.timeBase() == TimeBase.WALL_CLOCK) {
                captureMillis = frame.timeMicros() / 1_000;
            } else {
                if (firstMediaMicros == Long.MIN_VALUE) {
                    firstMediaMicros = frame.timeMicros();
                    startEpochMicros = System.currentTimeMillis() * 1_000;
                }
                captureMillis = (startEpochMicros + frame.timeMicros() - firstMediaMicros) / 1_000;
            }
            if (firstCaptureMillis == Long.MIN_VALUE) {
                firstCaptureMillis = captureMillis;
            }
            if (settings.duration().isPresent()
                    && captureMillis - firstCaptureMillis >= settings.duration().get().toMillis()) {
                return;
            }
            if (seq < 0) {
                throw new IOException("Camera " + camera.id() + " has no seq left: the next would pass"
                        + " Long.MAX_VALUE (resumed after a frame on topic '" + settings.topic() + "' that claims it?);"
                        + " give --start-seq N");
            }
            long encodeStart = System.nanoTime();
            ByteBuffer pixels = encoder.encode(frame.rgb());
            stats.encodedIn(System.nanoTime() - encodeStart);
            Frame record = new Frame(camera.id(), seq, Instant.ofEpochMilli(captureMillis), frame.width(),
                    frame.height(), settings.encoding(), pixels);
            stats.seq(seq);
            seq++;
            if (!admitted(record)) {
                continue;
            }
            if (!buffer.put(record)) {
                return; // the publisher has failed and said why
            }
            stats.published.incrementAndGet();
            if (settings.maxFrames().isPresent() && stats.published() >= settings.maxFrames().getAsLong()) {
                return;
            }
        }
    }

    /** The size guard: RGB24 frames all have one size, so one too large fails the camera; a large JPEG is skipped. */
    private boolean admitted(Frame record) throws IOException {
        String refusal = guard.refusal(record);
        if (refusal == null) {
            return true;
        }
        if (record.getEncoding() == FrameEncoding.RGB24) {
            throw new IOException(refusal);
        }
        if (stats.refused.incrementAndGet() == 1) {
            log.warn("{} (skipping such frames; counted as refused)", refusal);
        }
        return false;
    }

    /** Counts deliveries; the first failed one fails the camera. */
    private final class Delivery implements DeliveryListener {
        @Override
        public void sent() {
            stats.sent.incrementAndGet();
        }

        @Override
        public void acked(int valueBytes) {
            stats.acked.incrementAndGet();
            stats.ackedBytes.addAndGet(valueBytes);
        }

        @Override
        public void failed(Exception cause) {
            stats.failedSends.incrementAndGet();
            stats.fail("Kafka did not take frames of camera " + camera.id() + ": " + cause.getMessage());
            stop.raise();
        }
    }
}

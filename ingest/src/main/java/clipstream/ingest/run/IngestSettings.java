package clipstream.ingest.run;

import clipstream.common.retry.Backoff;
import clipstream.ingest.pacing.Pacing;
import clipstream.ingest.publish.MessageSizeLimit;
import clipstream.schema.FrameEncoding;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything about how cameras are ingested, shared by all cameras of a run: validated once, then handed down.
 *
 * @param topic the frames topic
 * @param width output width of every frame
 * @param height output height of every frame
 * @param fps target frame rate (resampled by capture time; the rate of synthetic cameras and image folders); empty:
 *     the source's own rate, 25 for sources that have none
 * @param encoding how pixels travel: RGB24 or JPEG
 * @param jpegQuality JPEG quality in (0, 1]
 * @param pacing real time or as fast as possible (recordings and synthetic cameras)
 * @param loop play recordings again from the start when they end
 * @param maxFrames stop a camera after this many frames
 * @param duration stop a camera when its capture times span this long
 * @param startSeq the seq of each camera's first frame; with {@code resumeSeq}, of the first frame of a camera that
 *     has none on the topic
 * @param resumeSeq continue each camera after the highest seq it has on the topic (see {@code PublishedSeqs})
 * @param bufferFrames capacity of each camera's buffer between reading and publishing
 * @param reconnect backoff of live sources that drop
 * @param readTimeout how long a network source (a live stream, an http(s) recording) may send nothing before its
 *     read gives up: a live stream is then reconnected, a recording fails
 * @param sizeLimit the largest record Kafka accepts, and the setting behind it
 * @param posesTopic the topic synthetic-people cameras (cameras that run pose estimation themselves) publish their
 *     {@code PersonPoses} to: the edge poses topic the job reads with {@code --people-input edge}
 */
public record IngestSettings(String topic, int width, int height, OptionalDouble fps, FrameEncoding encoding,
                             float jpegQuality, Pacing pacing, boolean loop, OptionalLong maxFrames,
                             Optional<Duration> duration, long startSeq, boolean resumeSeq, int bufferFrames,
                             Backoff reconnect, Duration readTimeout, MessageSizeLimit sizeLimit,
                             String posesTopic) {
    public static final double DEFAULT_GENERATED_FPS = 25;
    /** The edge poses topic the job reads (its {@code --edge-poses-topic}). */
    public static final String DEFAULT_EDGE_POSES_TOPIC = "edge-poses";

    public IngestSettings {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("--topic must not be empty");
        }
        Objects.requireNonNull(posesTopic, "posesTopic");
        if (posesTopic.isBlank() || posesTopic.equals(topic)) {
            throw new IllegalArgumentException("--edge-poses-topic must name a topic other than --topic " + topic);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("--size must be positive, got " + width + "x" + height);
        }
        if (fps.isPresent() && !(fps.getAsDouble() > 0)) {
            throw new IllegalArgumentException("--fps must be positive, got " + fps.getAsDouble());
        }
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("--jpeg-quality must be in (0, 1], got " + jpegQuality);
        }
        if (maxFrames.isPresent() && maxFrames.getAsLong() < 1) {
            throw new IllegalArgumentException("--max-frames must be at least 1, got " + maxFrames.getAsLong());
        }
        if (duration.isPresent() && (duration.get().isNegative() || duration.get().isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration.get());
        }
        if (startSeq < 0) {
            throw new IllegalArgumentException("--start-seq must be >= 0, got " + startSeq);
        }
        if (bufferFrames < 1) {
            throw new IllegalArgumentException("--buffer must be at least 1 frame, got " + bufferFrames);
        }
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (readTimeout.toMillis() < 1) { // 0 would mean no timeout to FFmpeg
            throw new IllegalArgumentException("--read-timeout must be at least 1 ms, got " + readTimeout);
        }
    }

    /** Defaults for {@code width x height} frames on {@code topic}; change the rest with the {@code with...} methods. */
    public static IngestSettings defaults(String topic, int width, int height) {
        return new IngestSettings(topic, width, height, OptionalDouble.empty(), FrameEncoding.RGB24, 0.85f,
                Pacing.REALTIME, false, OptionalLong.empty(), Optional.empty(), 0, false, 64, Backoff.DEFAULT,
                Duration.ofSeconds(10), MessageSizeLimit.producer(1024 * 1024),
                DEFAULT_EDGE_POSES_TOPIC);
    }

    /** The frame rate of sources that have none of their own. */
    public double generatedFps() {
        return fps.orElse(DEFAULT_GENERATED_FPS);
    }

    public IngestSettings withFps(double value) {
        return new IngestSettings(topic, width, height, OptionalDouble.of(value), encoding, jpegQuality, pacing, loop,
                maxFrames, duration, startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withEncoding(FrameEncoding value, float quality) {
        return new IngestSettings(topic, width, height, fps, value, quality, pacing, loop, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withPacing(Pacing value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, value, loop, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withLoop(boolean value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, value, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withMaxFrames(long value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop,
                OptionalLong.of(value), duration, startSeq, resumeSeq, bufferFrames, reconnect, readTimeout,
                sizeLimit, posesTopic);
    }

    public IngestSettings withDuration(Duration value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames,
                Optional.of(value), startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withStartSeq(long value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                value, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    /** Continue each camera after the highest seq it has on the topic; {@link #startSeq} for cameras without one. */
    public IngestSettings withResumeSeq(boolean value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                startSeq, value, bufferFrames, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withBufferFrames(int value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                startSeq, resumeSeq, value, reconnect, readTimeout, sizeLimit, posesTopic);
    }

    public IngestSettings withReconnect(Backoff value, Duration timeout) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, value, timeout, sizeLimit, posesTopic);
    }

    public IngestSettings withSizeLimit(MessageSizeLimit value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, value, posesTopic);
    }

    /** Where synthetic-people cameras publish their poses. */
    public IngestSettings withPosesTopic(String value) {
        return new IngestSettings(topic, width, height, fps, encoding, jpegQuality, pacing, loop, maxFrames, duration,
                startSeq, resumeSeq, bufferFrames, reconnect, readTimeout, sizeLimit, value);
    }
}

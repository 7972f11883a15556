package clipstream.job.functions;

import clipstream.job.config.CaptureTimeWindow;
import clipstream.job.records.DetectedPerson;
import clipstream.job.records.FrameDeadLetters;
import clipstream.job.records.RawRecord;
import clipstream.job.records.UntrackedPoses;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import clipstream.schema.codec.RecordDecoder;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes the {@code PersonPoses} records edge devices publish and lets through only those the tracking can trust,
 * as {@link UntrackedPoses} (the edge's own track ids left out: the job tracks people itself). Nothing an edge
 * device sends is believed unchecked: a record that does not decode or has an unknown schema is dead-lettered as for
 * frames ({@code UNDECODABLE}, {@code UNKNOWN_SCHEMA}), a bad camera id as {@code INVALID_CAMERA_ID}, and anything
 * that breaks the schema's rules as {@code INVALID_POSES}: a negative seq; a capture time outside the
 * {@link CaptureTimeWindow} (the rule the source applies to event time); a frame size that is not positive or above
 * {@link #MAX_FRAME_SIDE}; more than {@link #MAX_PEOPLE} people; a person without exactly 17 keypoints; a coordinate
 * that is not finite or lies outside the frame by more than {@link #tolerance}; a score outside [0, 1]; a box whose
 * minimum lies beyond its maximum; a model name or version longer than {@link #MAX_MODEL_TEXT}. Every letter carries
 * the record's original key and value. Never throws on bad input.
 */
public class EdgePosesValidator extends ProcessFunction<RawRecord, UntrackedPoses> {
    private static final long serialVersionUID = 1L;

    /** People one record may hold: far more than a pose model reports (MoveNet MultiPose: 6), few enough to track. */
    public static final int MAX_PEOPLE = 64;
    /** The largest frame side in pixels: beyond any camera's sensor (8K video is 7680 wide). */
    public static final int MAX_FRAME_SIDE = 16_384;
    /** Characters of a model name or version at most: they are copied into every tracked poses record. */
    public static final int MAX_MODEL_TEXT = 128;

    private final CaptureTimeWindow captureTimes;

    private transient RecordDecoder<PersonPoses> decoder;
    private transient Counter posesIn;
    private transient Map<DeadLetterReason, Counter> deadLettered;

    public EdgePosesValidator(CaptureTimeWindow captureTimes) {
        this.captureTimes = captureTimes;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = RecordDecoder.of(PersonPoses.class);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        posesIn = metrics.counter("edgePosesIn");
        deadLettered = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, metrics.addGroup("reason", reason.name()).counter("posesDeadLettered"));
        }
    }

    /**
     * How far outside a frame side of {@code side} pixels a coordinate may lie: 1 % of the side, at least one pixel.
     * Pose models compute coordinates in floating point from a resized input, so a point on the border can come out
     * a little beyond it; a point further out is not in the frame the record describes.
     */
    public static float tolerance(int side) {
        return Math.max(1f, 0.01f * side);
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<UntrackedPoses> out) {
        posesIn.inc();
        UntrustedRecords.Decoded<PersonPoses> decoded = UntrustedRecords.decode(decoder, record.value());
        if (decoded.refused()) {
            refuse(ctx, record, decoded.reason(), decoded.problem());
            return;
        }
        PersonPoses poses = decoded.record();
        if (!CameraIds.isValid(poses.getCameraId())) {
            refuse(ctx, record, DeadLetterReason.INVALID_CAMERA_ID, "camera id "
                    + CameraIds.quoted(poses.getCameraId()) + " is not 1-128 characters of [A-Za-z0-9._:-]");
            return;
        }
        String problem = problem(poses, ctx.timerService().currentProcessingTime());
        if (problem != null) {
            refuse(ctx, record, DeadLetterReason.INVALID_POSES, "poses " + poses.getSeq() + " of camera "
                    + poses.getCameraId() + ": " + problem);
            return;
        }
        out.collect(accept(record, poses));
    }

    /** What is wrong with {@code poses} at processing time {@code now}; null when nothing is. */
    private String problem(PersonPoses poses, long now) {
        if (poses.getSeq() < 0) {
            return "seq " + poses.getSeq() + " is negative (a camera counts its frames from 0 up)";
        }
        return firstOf(
                captureTimes.refusal(poses.getCaptureTime().toEpochMilli(), now),
                frameSize(poses.getWidth(), poses.getHeight()),
                text("model_name", poses.getModelName()),
                text("model_version", poses.getModelVersion()),
                people(poses));
    }

    private static String firstOf(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String frameSize(int width, int height) {
        if (width <= 0 || height <= 0 || width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE) {
            return "frame size " + width + "x" + height + " is not 1-" + MAX_FRAME_SIDE + " pixels a side";
        }
        return null;
    }

    private static String text(String field, CharSequence value) {
        if (value != null && value.length() > MAX_MODEL_TEXT) {
            return field + " has " + value.length() + " characters, more than " + MAX_MODEL_TEXT;
        }
        return null;
    }

    private static String people(PersonPoses poses) {
        List<Person> people = poses.getPeople();
        if (people.size() > MAX_PEOPLE) {
            return people.size() + " people, more than the " + MAX_PEOPLE + " a record may hold";
        }
        for (int i = 0; i < people.size(); i++) {
            String problem = person(people.get(i), poses.getWidth(), poses.getHeight());
            if (problem != null) {
                return "person " + i + " of " + people.size() + ": " + problem;
            }
        }
        return null;
    }

    private static String person(Person person, int width, int height) {
        List<Keypoint> keypoints = person.getKeypoints();
        if (keypoints.size() != DetectedPerson.KEYPOINTS) {
            return keypoints.size() + " keypoints, not the " + DetectedPerson.KEYPOINTS + " COCO keypoints";
        }
        String problem = firstOf(
                score("score", person.getScore()),
                coordinate("box x_min", person.getXMin(), width),
                coordinate("box y_min", person.getYMin(), height),
                coordinate("box x_max", person.getXMax(), width),
                coordinate("box y_max", person.getYMax(), height));
        if (problem != null) {
            return problem;
        }
        if (person.getXMin() > person.getXMax() || person.getYMin() > person.getYMax()) {
            return "box (" + person.getXMin() + ", " + person.getYMin() + ")-(" + person.getXMax() + ", "
                    + person.getYMax() + ") has its minimum beyond its maximum";
        }
        for (int k = 0; k < keypoints.size(); k++) {
            Keypoint keypoint = keypoints.get(k);
            problem = firstOf(
                    coordinate("keypoint " + k + " x", keypoint.getX(), width),
                    coordinate("keypoint " + k + " y", keypoint.getY(), height),
                    score("keypoint " + k + " score", keypoint.getScore()));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String score(String what, float score) {
        return score >= 0 && score <= 1 ? null : what + " " + score + " is not within [0, 1]";
    }

    /** A coordinate along a frame side of {@code side} pixels: finite, within the side up to the tolerance. */
    private static String coordinate(String what, float value, int side) {
        if (!Float.isFinite(value)) {
            return what + " is " + value + ", not a number of pixels";
        }
        float tolerance = tolerance(side);
        if (value < -tolerance || value > side + tolerance) {
            return what + " " + value + " lies outside the frame's [0, " + side + "] (tolerance " + tolerance + ")";
        }
        return null;
    }

    private static UntrackedPoses accept(RawRecord record, PersonPoses poses) {
        List<Person> people = poses.getPeople();
        DetectedPerson[] detected = new DetectedPerson[people.size()];
        for (int i = 0; i < detected.length; i++) {
            Person person = people.get(i);
            float[] keypoints = new float[DetectedPerson.KEYPOINTS * 3];
            for (int k = 0; k < DetectedPerson.KEYPOINTS; k++) {
                Keypoint keypoint = person.getKeypoints().get(k);
                keypoints[3 * k] = keypoint.getX();
                keypoints[3 * k + 1] = keypoint.getY();
                keypoints[3 * k + 2] = keypoint.getScore();
            }
            detected[i] = new DetectedPerson(person.getScore(), person.getXMin(), person.getYMin(), person.getXMax(),
                    person.getYMax(), keypoints);
        }
        return new UntrackedPoses(poses.getCameraId(), poses.getSeq(), poses.getCaptureTime().toEpochMilli(),
                poses.getWidth(), poses.getHeight(), text(poses.getModelName()), text(poses.getModelVersion()),
                detected, record.topic(), record.partition(), record.offset());
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }

    private void refuse(Context ctx, RawRecord record, DeadLetterReason reason, String message) {
        deadLettered.get(reason).inc();
        ctx.output(FrameDeadLetters.OUTPUT, FrameDeadLetters.of(record, reason, message + " [" + record.origin() + "]",
                ctx.timerService().currentProcessingTime()));
    }
}

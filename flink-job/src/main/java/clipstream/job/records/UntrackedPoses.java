package clipstream.job.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * The people found in one frame of one camera, not yet tracked: what the job's pose model made of a frame, or a
 * validated {@code PersonPoses} record of an edge device (whose own track ids are not trusted and left out). The
 * frame size is the one the coordinates are in. The source coordinates stay with it, so a record that the tracking
 * refuses (late, or a camera beyond its limit) can still be traced to its Kafka record.
 */
public record UntrackedPoses(String cameraId, long seq, long captureTime, int width, int height, String modelName,
                             String modelVersion, DetectedPerson[] people, String sourceTopic, int sourcePartition,
                             long sourceOffset) {

    @Override
    public boolean equals(Object o) {
        return o instanceof UntrackedPoses other && seq == other.seq && captureTime == other.captureTime
                && width == other.width && height == other.height && sourcePartition == other.sourcePartition
                && sourceOffset == other.sourceOffset && Objects.equals(cameraId, other.cameraId)
                && Objects.equals(modelName, other.modelName) && Objects.equals(modelVersion, other.modelVersion)
                && Objects.equals(sourceTopic, other.sourceTopic) && Arrays.equals(people, other.people);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, seq);
    }

    @Override
    public String toString() {
        return "UntrackedPoses[" + cameraId + " #" + seq + ", " + (people == null ? 0 : people.length) + " people]";
    }
}

package clipstream.job.records;

import java.util.Objects;

/**
 * A frame that passed validation, decoded (and, on the clip path, resized to the model's input size):
 * {@code pixels} holds height×width×3 bytes, uint8 RGB, row-major. The source coordinates stay with it so a frame
 * that turns out late during clip assembly can still be traced to its Kafka record.
 */
public record ValidatedFrame(String cameraId, long seq, long captureTime, byte[] pixels, int width, int height,
                             String sourceTopic, int sourcePartition, long sourceOffset) {

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidatedFrame other && seq == other.seq && captureTime == other.captureTime
                && Objects.equals(cameraId, other.cameraId) && sourcePartition == other.sourcePartition
                && sourceOffset == other.sourceOffset && Objects.equals(sourceTopic, other.sourceTopic)
                && width == other.width && height == other.height
                && java.util.Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cameraId, seq);
    }

    @Override
    public String toString() {
        return "ValidatedFrame[" + cameraId + " #" + seq + " @" + captureTime + "]";
    }
}

package clipstream.job.records;

/**
 * A raw frame record with its camera id, seq and capture time read out of it, so it can be keyed by camera and
 * chosen by time before its pixels are decoded; the record itself goes on unchanged.
 */
public record StampedRecord(String cameraId, long seq, long captureTime, RawRecord record) {
}

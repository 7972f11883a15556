package clipstream.ingest.publish;

/** What a camera does when Kafka is slower than the camera and its buffer is full. */
public enum OverflowPolicy {
    /** Wait for room: nothing of a recording is lost, it is just read more slowly. */
    BLOCK,
    /** Drop the oldest buffered frame and count it: a live camera cannot be paused, the freshest frames matter. */
    DROP_OLDEST
}

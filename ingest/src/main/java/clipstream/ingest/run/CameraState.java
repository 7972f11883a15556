package clipstream.ingest.run;

/** Where a camera is in its life. */
public enum CameraState {
    STARTING,
    RUNNING,
    /** Its source ended or a frame/duration limit was reached; everything read was handed to Kafka. */
    COMPLETED,
    /** Stopped on request (Ctrl-C, {@link IngestRunner#stop()}); everything read was handed to Kafka. */
    STOPPED,
    /** Its source could not be opened or read, or Kafka refused its frames; see the failure message. */
    FAILED
}

package clipstream.ingest.pacing;

/** How fast a recording is played into Kafka. Live sources arrive at their own pace either way. */
public enum Pacing {
    /** As a camera would: each frame when its media time has come. */
    REALTIME,
    /** As fast as decoding and Kafka allow (bulk loads, benchmarks). */
    FAST
}

package clipstream.ingest.source;

/** What a source's frame times mean, which decides how {@code capture_time} and pacing are derived. */
public enum TimeBase {
    /** Media time of a recording or generator (starts anywhere): capture time = ingest start + elapsed media time. */
    MEDIA,
    /** Epoch microseconds on the wall clock when the frame arrived from a live source. */
    WALL_CLOCK
}

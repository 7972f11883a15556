package clipstream.alerts.engine;

import clipstream.schema.ClipEvent;

/**
 * What the engine remembers of each event to recognise a repeat: its {@code event_id}, or — for a consumer that reads
 * uncommitted events — its clip, so that a clip read from an aborted transaction and produced again by the job's
 * replay under another model version (another id) still counts once.
 */
public enum Deduplication {
    /** A repeat is an event with the id of a recent one: the same clip labelled by the same model version. */
    EVENT_ID,
    /**
     * A repeat is an event of a recent clip — same track (or none), {@code first_seq} and {@code start_time}, which
     * is the event id without the model version — or with a recent event id (remembered before the switch).
     */
    CLIP;

    /** The key remembered for {@code event}. */
    String key(ClipEvent event) {
        return this == EVENT_ID ? event.getEventId() : clipKey(event);
    }

    /** True if {@code event} repeats one that {@code recent} remembers, by either kind of key. */
    static boolean seen(RecentEventIds recent, ClipEvent event) {
        return recent.contains(event.getEventId()) || recent.contains(clipKey(event));
    }

    /** The clip's key; never equal to an event id (those are UUIDs). */
    static String clipKey(ClipEvent event) {
        return "clip/" + (event.getTrackId() == null ? "-" : event.getTrackId()) + '/' + event.getFirstSeq() + '/'
                + event.getStartTime().toEpochMilli();
    }
}

package clipstream.alerts.engine;

/**
 * A camera health rule's persisted state for one camera (see {@link CameraHealthWatch}). {@code trigger} is
 * {@link clipstream.alerts.rules.Rule#trigger()} of the rule that built it (a changed rule starts afresh);
 * {@code condition} is what the rule's last alert said. {@code backSince} (wall clock) and {@code backFrom} (the
 * first event's {@code start_time}) date the camera's clip events since it was last silent, while it is offline;
 * {@code slowSince} and {@code goodSince} (event time) the current run of slow or healthy whole-frame clips;
 * {@code frameRate} is the frame rate of the latest whole-frame clip. Times are epoch ms; null where not running.
 */
public record HealthTrackSnapshot(String trigger, CameraCondition condition, Long backSince, Long backFrom,
                                  Long slowSince, Long goodSince, Float frameRate) {
}

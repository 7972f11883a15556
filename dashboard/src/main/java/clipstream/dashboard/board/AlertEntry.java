package clipstream.dashboard.board;

import clipstream.schema.Alert;

/**
 * One alert of the feed.
 *
 * @param seq        the board's version when it arrived: the page asks for alerts after the last one it has
 * @param recordTime the alert record's Kafka timestamp (epoch ms)
 * @param receivedAt when the dashboard read it (epoch ms)
 */
public record AlertEntry(long seq, String alertId, String rule, String camera, String label, float score,
                         long firstEventTime, long lastEventTime, int eventCount, Long trackId, long recordTime,
                         long receivedAt) {
    static AlertEntry of(long seq, Alert alert, long recordTime, long receivedAt) {
        return new AlertEntry(seq, alert.getAlertId(), alert.getRule(), alert.getCameraId(), alert.getLabel(),
                alert.getScore(), alert.getFirstEventTime().toEpochMilli(), alert.getLastEventTime().toEpochMilli(),
                alert.getEventCount(), alert.getTrackId(), recordTime, receivedAt);
    }
}

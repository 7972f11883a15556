package clipstream.dashboard.board;

import java.util.Map;

/**
 * Counters of the whole feed.
 *
 * @param records          records read, by topic
 * @param unreadable       records that did not decode (or had no valid camera id), by topic
 * @param deadLetters      dead letters by reason, all cameras and keys
 * @param camerasEvicted   cameras dropped to stay within the board's limit
 * @param feedLag          records the dashboard's own consumer is behind on its frames partitions, -1: unknown
 */
public record FeedTotals(Map<String, Long> records, Map<String, Long> unreadable, Map<String, Long> deadLetters,
                         long camerasEvicted, long feedLag) {
}

package clipstream.dashboard.board;

import java.util.Arrays;

/**
 * Records per second over the last few whole seconds, counted by the records' own timestamps: a backlog read at
 * start-up does not look like a burst. Fixed size; not thread-safe (the board guards it).
 */
final class RateWindow {
    private final int seconds;
    private final long[] second;
    private final long[] count;

    RateWindow(int seconds) {
        this.seconds = seconds;
        this.second = new long[seconds + 1];
        this.count = new long[seconds + 1];
        Arrays.fill(second, -1);
    }

    /** Counts a record stamped {@code timestamp} (epoch ms; a stamp ahead of {@code now} counts as now). */
    void add(long timestamp, long now) {
        long s = Math.min(timestamp, now) / 1000;
        if (s <= now / 1000 - second.length) {
            return;
        }
        int slot = (int) Math.floorMod(s, (long) second.length);
        if (second[slot] != s) {
            second[slot] = s;
            count[slot] = 0;
        }
        count[slot]++;
    }

    /** The mean rate over the {@code seconds} whole seconds before the current one. */
    double perSecond(long now) {
        long current = now / 1000;
        long total = 0;
        for (int i = 0; i < second.length; i++) {
            if (second[i] >= current - seconds && second[i] < current) {
                total += count[i];
            }
        }
        return (double) total / seconds;
    }
}

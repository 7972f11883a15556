package clipstream.dashboard.board;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The latest alerts, at most a fixed number, each once (by alert id: a replay raises the same id). Not thread-safe. */
final class AlertHistory {
    private final int capacity;
    private final ArrayDeque<AlertEntry> alerts = new ArrayDeque<>();
    private final Set<String> ids = new HashSet<>();
    private long evictedUpTo = -1;

    AlertHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code alert} unless its id is already held; returns whether it was added. */
    boolean add(AlertEntry alert) {
        if (!ids.add(alert.alertId())) {
            return false;
        }
        alerts.addFirst(alert);
        while (alerts.size() > capacity) {
            AlertEntry oldest = alerts.removeLast();
            ids.remove(oldest.alertId());
            evictedUpTo = oldest.seq();
        }
        return true;
    }

    /** Alerts that arrived after version {@code since}, newest first. */
    List<AlertEntry> after(long since) {
        List<AlertEntry> newer = new ArrayList<>();
        for (Iterator<AlertEntry> it = alerts.iterator(); it.hasNext(); ) {
            AlertEntry alert = it.next();
            if (alert.seq() <= since) {
                break;
            }
            newer.add(alert);
        }
        return newer;
    }

    /** Whether a page at version {@code since} may miss alerts that are gone from the history: it needs a full view. */
    boolean lostSince(long since) {
        return since < evictedUpTo;
    }

    int size() {
        return alerts.size();
    }
}

package clipstream.alerts.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/** The last {@code capacity} event ids seen on one camera, for deduplication; the oldest is forgotten first. */
final class RecentEventIds {
    private final int capacity;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    RecentEventIds(int capacity) {
        this.capacity = capacity;
    }

    /** Records {@code id}; false if it was already among the recent ids. */
    boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        if (ids.size() > capacity) {
            Iterator<String> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    List<String> oldestFirst() {
        return new ArrayList<>(ids);
    }
}

package clipstream.alerts.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The keys of the last {@code capacity} events seen on one camera, for deduplication (see {@link Deduplication}); the
 * oldest is forgotten first.
 */
final class RecentEventIds {
    private final int capacity;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    RecentEventIds(int capacity) {
        this.capacity = capacity;
    }

    /** True if {@code id} is among the recent ids; records nothing. */
    boolean contains(String id) {
        return ids.contains(id);
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

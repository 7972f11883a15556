package clipstream.dashboard.board;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models the job serves, from the name and version its events carry, and when each started serving a version
 * not seen before (events of the old and the new version may interleave across partitions for a moment: a version
 * already seen is not a change). Bounded: a few models, a few versions each, the latest changes. Not thread-safe.
 */
final class ModelWatch {
    static final int MAX_MODELS = 8;
    static final int VERSIONS_KEPT = 16;
    static final int CHANGES_KEPT = 10;

    private final Map<String, Served> models = new LinkedHashMap<>();
    private final ArrayDeque<ModelChange> changes = new ArrayDeque<>();

    private static final class Served {
        String version;
        boolean people;
        long since;
        long lastEventAt;
        final Set<String> seen = new LinkedHashSet<>();
    }

    /** Notes an event of {@code name} {@code version}; returns whether the page's view of the models changed. */
    boolean event(String name, String version, boolean people, long now) {
        Served served = models.get(name);
        if (served == null) {
            if (models.size() >= MAX_MODELS) {
                return false;
            }
            served = new Served();
            models.put(name, served);
        }
        served.lastEventAt = now;
        served.people |= people;
        if (version.equals(served.version) || served.seen.contains(version)) {
            return false;
        }
        if (served.version != null) {
            changes.addFirst(new ModelChange(name, served.version, version, now));
            while (changes.size() > CHANGES_KEPT) {
                changes.removeLast();
            }
        }
        served.version = version;
        served.since = now;
        served.seen.add(version);
        if (served.seen.size() > VERSIONS_KEPT) {
            served.seen.remove(served.seen.iterator().next());
        }
        return true;
    }

    List<ModelEntry> models() {
        List<ModelEntry> entries = new ArrayList<>();
        models.forEach((name, s) -> entries.add(new ModelEntry(name, s.version, s.people, s.since, s.lastEventAt)));
        return entries;
    }

    /** Changes of version, newest first. */
    List<ModelChange> changes() {
        return List.copyOf(changes);
    }
}

package clipstream.alerts.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event time of one input partition (the latest {@code end_time} seen on it) and its cameras in the order they
 * fall due for expiry. A camera's events all arrive on one partition, so this clock depends only on that partition's
 * own ordered events: whichever instance owns the partition, and however the events are cut into batches, it reads
 * the same at the same event. It also keeps what the camera health rules need of the partition: since when (wall
 * clock) this engine holds it, and how many of its cameras they watch.
 */
final class PartitionClock {
    private static final Comparator<Due> ORDER = Comparator.comparingLong(Due::at).thenComparing(Due::camera);

    private boolean started;
    private long now;
    private final NavigableSet<Due> due = new TreeSet<>(ORDER);
    /** Cameras restored without a last event time, waiting for the clock to date them. */
    private final Set<String> undated = new LinkedHashSet<>();
    private final long watchedSince;
    private int healthWatched;

    /** @param watchedSince when (wall clock, epoch ms) the engine started holding the partition */
    PartitionClock(long watchedSince) {
        this.watchedSince = watchedSince;
    }

    long watchedSince() {
        return watchedSince;
    }

    /** How many of the partition's cameras the camera health rules watch. */
    int healthWatched() {
        return healthWatched;
    }

    void healthWatched(int delta) {
        healthWatched += delta;
    }

    boolean started() {
        return started;
    }

    long now() {
        return now;
    }

    void advanceTo(long time) {
        if (!started || time > now) {
            now = time;
            started = true;
        }
    }

    void schedule(String camera, long at) {
        due.add(new Due(at, camera));
    }

    void unschedule(String camera, long at) {
        due.remove(new Due(at, camera));
    }

    /** Removes and returns the cameras due at the current time, earliest first. */
    List<String> takeDue() {
        List<String> cameras = new ArrayList<>();
        while (started && !due.isEmpty() && due.first().at() <= now) {
            cameras.add(due.pollFirst().camera());
        }
        return cameras;
    }

    void addUndated(String camera) {
        undated.add(camera);
    }

    void removeUndated(String camera) {
        undated.remove(camera);
    }

    /** Removes and returns the undated cameras. */
    List<String> takeUndated() {
        List<String> cameras = new ArrayList<>(undated);
        undated.clear();
        return cameras;
    }

    private record Due(long at, String camera) {
    }
}

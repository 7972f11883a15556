package clipstream.dashboard.board;

import clipstream.schema.Alert;
import clipstream.schema.ClipEvent;
import clipstream.schema.DeadLetterReason;
import clipstream.schema.PersonPoses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Everything the page shows, in bounded memory: per camera the latest thumbnail, label, poses and people's labels,
 * its health and dead letters; the alert history; the served models. The feed writes it, browsers read views of it
 * ({@link #changesSince}). Every change that a tile shows raises the board's version, so a page asks only for what
 * changed since the version it has. Thread-safe: one lock, held for a few field updates at a time.
 *
 * <p>Cameras come from frames, poses, events and alerts whose key is a valid camera id (the frames schema's rule);
 * at most {@link BoardLimits#maxCameras()}: a new one beyond that drops the camera heard from least recently.
 * Dead letters never create a camera: their keys are whatever a producer sent.
 */
public final class CameraBoard {
    /** A camera id as the Frame schema allows it. */
    private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final BoardLimits limits;
    private final LongSupplier clock;
    /** Least recently heard from first. */
    private final LinkedHashMap<String, CameraActivity> cameras = new LinkedHashMap<>(64, 0.75f, true);
    private final AlertHistory alerts;
    private final ModelWatch models = new ModelWatch();
    private final Map<DeadLetterReason, Long> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Map<String, Long> records = new TreeMap<>();
    private final Map<String, Long> unreadable = new TreeMap<>();
    private long camerasEvicted;
    private long feedLag = -1;
    private long version;

    public CameraBoard(BoardLimits limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
        this.alerts = new AlertHistory(limits.alertHistory());
    }

    public BoardLimits limits() {
        return limits;
    }

    /** Whether {@code id} is a camera id the board takes (1-128 characters of [A-Za-z0-9._:-]). */
    public static boolean isCameraId(String id) {
        return id != null && CAMERA_ID.matcher(id).matches();
    }

    /**
     * Counts a frame of {@code camera} (seq, partition, record timestamp) and says whether the caller should decode
     * it for a new thumbnail: at most one per {@code thumbnailEvery} per camera.
     */
    public synchronized boolean frame(String camera, int partition, long seq, long timestamp, Duration thumbnailEvery) {
        long now = clock.getAsLong();
        CameraActivity activity = camera(camera);
        activity.frames.add(timestamp, now);
        activity.lastFrame = Math.max(activity.lastFrame, Math.min(timestamp, now));
        activity.countSeq(seq);
        activity.partition = partition;
        if (now < activity.nextThumbnailAt) {
            return false;
        }
        activity.nextThumbnailAt = now + thumbnailEvery.toMillis();
        return true;
    }

    /** The camera's new thumbnail. */
    public synchronized void thumbnail(String camera, Thumbnail thumbnail) {
        CameraActivity activity = camera(camera);
        activity.thumbnail = thumbnail;
        activity.thumbnailVersion = changed(activity);
    }

    /**
     * Counts a poses record of {@code camera} and says whether the caller should decode it for the tile: at most one
     * per {@code posesEvery} per camera.
     */
    public synchronized boolean posesSeen(String camera, long timestamp, Duration posesEvery) {
        long now = clock.getAsLong();
        CameraActivity activity = camera(camera);
        activity.poses.add(timestamp, now);
        activity.lastPoses = Math.max(activity.lastPoses, Math.min(timestamp, now));
        if (now < activity.nextPosesAt) {
            return false;
        }
        activity.nextPosesAt = now + posesEvery.toMillis();
        return true;
    }

    /** The camera's latest people, drawn over its tile. */
    public synchronized void poses(PersonPoses poses) {
        CameraActivity activity = camera(poses.getCameraId());
        activity.people = PoseFigure.Frame.of(poses);
        changed(activity);
    }

    /** A clip event: the camera's label, or one person's; and the model that gave it. */
    public synchronized void event(ClipEvent event, long recordTime) {
        long now = clock.getAsLong();
        CameraActivity activity = camera(event.getCameraId());
        EventView view = EventView.of(event, recordTime, now);
        if (event.getTrackId() == null) {
            activity.event = view;
        } else {
            activity.personEvents.put(event.getTrackId(), view);
            Iterator<Long> oldest = activity.personEvents.keySet().iterator();
            while (activity.personEvents.size() > limits.tracksPerCamera()) {
                oldest.next();
                oldest.remove();
            }
        }
        models.event(event.getModelName(), event.getModelVersion(), event.getTrackId() != null, now);
        changed(activity);
    }

    /** An alert for the feed; its camera gets a tile if it has none. */
    public synchronized void alert(Alert alert, long recordTime) {
        CameraActivity activity = camera(alert.getCameraId());
        long seq = changed(activity);
        alerts.add(AlertEntry.of(seq, alert, recordTime, clock.getAsLong()));
    }

    /** A dead letter; counted for its camera when its key is a camera the board has. */
    public synchronized void deadLetter(String key, DeadLetterReason reason) {
        deadLetters.merge(reason, 1L, Long::sum);
        CameraActivity activity = key == null ? null : cameras.get(key);
        if (activity != null) {
            activity.deadLetters.merge(reason, 1L, Long::sum);
        }
        version++;
        notifyAll();
    }

    /** The job's lag per frames partition (records not committed yet); partitions missing from it are unknown. */
    public synchronized void jobLag(Map<Integer, Long> lagByPartition) {
        for (CameraActivity activity : cameras.values()) {
            activity.jobLag = lagByPartition.getOrDefault(activity.partition, -1L);
        }
    }

    /** Counts a record read from {@code topic}, and whether it was unreadable. */
    public synchronized void counted(String topic, boolean readable) {
        records.merge(topic, 1L, Long::sum);
        if (!readable) {
            unreadable.merge(topic, 1L, Long::sum);
        }
    }

    /** How far the dashboard's own consumer is behind, in records; -1: unknown. */
    public synchronized void feedLag(long lag) {
        feedLag = lag;
    }

    /** The camera's latest thumbnail, if it has one. */
    public synchronized Optional<Thumbnail> thumbnail(String camera) {
        // a read must not count as activity: get() of an access-ordered map would move the camera
        for (CameraActivity activity : cameras.values()) {
            if (activity.id.equals(camera)) {
                return Optional.ofNullable(activity.thumbnail);
            }
        }
        return Optional.empty();
    }

    public synchronized long version() {
        return version;
    }

    /** Waits until the version passes {@code since}, at most {@code timeoutMs}; returns the version then. */
    public synchronized long awaitChange(long since, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (version <= since) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return version;
    }

    /**
     * What changed since version {@code since} (negative: everything): the tiles and alerts that changed, and every
     * camera's health. A page whose version is older than the oldest alert still held gets a full view.
     */
    public synchronized BoardView changesSince(long since) {
        long now = clock.getAsLong();
        boolean full = since < 0 || alerts.lostSince(since);
        List<CameraTile> tiles = new ArrayList<>();
        List<CameraHealth> health = new ArrayList<>(cameras.size());
        for (CameraActivity activity : cameras.values()) {
            if (full || activity.changedAt > since) {
                tiles.add(activity.tile());
            }
            health.add(activity.health(now, limits));
        }
        return new BoardView(version, now, full, tiles, health, alerts.after(full ? -1 : since), models.models(),
                models.changes(), totals());
    }

    /** The feed's counters now, without the cameras' tiles (what a metrics scrape reads). */
    public synchronized FeedTotals totals() {
        Map<String, Long> letters = new LinkedHashMap<>();
        deadLetters.forEach((reason, count) -> letters.put(reason.name(), count));
        return new FeedTotals(new TreeMap<>(records), new TreeMap<>(unreadable), letters, camerasEvicted, feedLag);
    }

    /** Cameras the board holds now. */
    public synchronized int cameras() {
        return cameras.size();
    }

    private CameraActivity camera(String id) {
        CameraActivity activity = cameras.get(id);
        if (activity == null) {
            if (cameras.size() >= limits.maxCameras()) {
                Iterator<CameraActivity> leastRecent = cameras.values().iterator();
                leastRecent.next();
                leastRecent.remove();
                camerasEvicted++;
            }
            activity = new CameraActivity(id);
            cameras.put(id, activity);
        }
        return activity;
    }

    /** Raises the version for a change of {@code activity}'s tile and wakes the pages waiting for one. */
    private long changed(CameraActivity activity) {
        version++;
        activity.changedAt = version;
        notifyAll();
        return version;
    }
}

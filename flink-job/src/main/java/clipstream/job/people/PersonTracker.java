package clipstream.job.people;

import clipstream.job.records.DetectedPerson;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Follows people from one frame of a camera to the next, so that a track stays on one body when people cross or
 * walk close in a crowd (a track that jumps to another person cuts clips mixing two bodies, which the action model
 * reads as a sudden change of posture: a fall).
 *
 * <p>Each track moves at its own velocity (constant-velocity prediction: its box shifted by its smoothed velocity,
 * {@link Track#predicted()}), and a detection can continue it only if it is consistent with it in three ways: its box
 * overlaps the predicted box (intersection over union at least {@code minIou}), its height is within
 * {@link #MAX_HEIGHT_RATIO} of the track's (a nearer or farther person is not the same one), and, where both have
 * keypoints, its pose is like the track's last pose moved on at the track's velocity ({@link PoseSimilarity}, at least
 * {@link #MIN_POSE_SIMILARITY}, and more for each frame the track was missed). Among those pairs, the assignment
 * with the greatest summed affinity (the mean of overlap and pose similarity, overlap alone without keypoints) is
 * taken ({@link TrackAssignment}), confirmed tracks first and tentative ones on the detections left over, so two
 * tracks competing for overlapping people each keep the one that continues its motion, and a newcomer's tentative
 * track cannot take an established person's detection.
 *
 * <p>A matched track takes the detection's box and keypoints and blends the velocity measured since it was last seen
 * into its own ({@link #VELOCITY_WEIGHT}; its first measurement is taken whole); a confirmed track without a match
 * moves on to its predicted box, keeping its velocity, and is dropped after more than {@code deathMisses} frames
 * without one (a tentative one at its first miss); an unmatched detection starts a tentative track, confirmed after
 * {@code birthHits} frames. At most {@code maxTracks} tracks per camera: detections beyond them are not followed, so a
 * frame full of false detections cannot grow the state; a track holds one pose, so its size is bounded too.
 * Velocities are in pixels per posed frame, the tracker's step. Deterministic: the same frames give the same ids, so
 * a replay after a failure reports the same tracks.
 */
public final class PersonTracker implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How much of a frame's measured velocity goes into a track's smoothed velocity. */
    public static final float VELOCITY_WEIGHT = 0.3f;
    /**
     * A track's speed is held within this many of its box heights per posed frame (a runner seen 10 times a second
     * moves about 0.2 of their height a frame), so a bad measurement cannot send the prediction away.
     */
    public static final float MAX_SPEED = 0.5f;
    /**
     * A detection continues a track only if the taller of their two boxes is at most this many times the shorter (on
     * PETS09 through the job, 99 % of a track's frame-to-frame height ratios are within 1.19; the larger jumps are
     * mostly the box moving to another person or taking in two).
     */
    public static final float MAX_HEIGHT_RATIO = 1.25f;
    /**
     * A detection whose pose is less like the track's than this does not continue it (on PETS09 through the job, 99.5
     * % of frame-to-frame matches are above it, and 37 % of the other people whose boxes overlap a track's are below).
     */
    public static final float MIN_POSE_SIMILARITY = 0.2f;
    /**
     * How much more pose similarity each missed frame asks of a detection that would continue a track: the longer a
     * track went unseen, the less its predicted box says, and someone else passing there must not take it.
     */
    public static final float POSE_SIMILARITY_PER_MISS = 0.05f;

    private final float minIou;
    private final int birthHits;
    private final int deathMisses;
    private final int maxTracks;

    public PersonTracker(float minIou, int birthHits, int deathMisses, int maxTracks) {
        if (!(minIou > 0 && minIou <= 1) || birthHits < 1 || deathMisses < 0 || maxTracks < 1) {
            throw new IllegalArgumentException("need 0 < minIou <= 1, birthHits >= 1, deathMisses >= 0 and"
                    + " maxTracks >= 1, got " + minIou + ", " + birthHits + ", " + deathMisses + ", " + maxTracks);
        }
        this.minIou = minIou;
        this.birthHits = birthHits;
        this.deathMisses = deathMisses;
        this.maxTracks = maxTracks;
    }

    /**
     * The camera's tracks after one frame, the next free id, and for each detection (in the order given) the id of
     * the confirmed track that holds it, or -1.
     */
    public record Update(List<Track> tracks, long nextId, long[] trackIds) {
    }

    public Update update(List<Track> tracks, long nextId, List<DetectedPerson> detections) {
        List<Track.Box> boxes = new ArrayList<>(detections.size());
        for (DetectedPerson person : detections) {
            boxes.add(new Track.Box(person.xMin(), person.yMin(), person.xMax(), person.yMax()));
        }
        int[] matchOfTrack = new int[tracks.size()];
        Arrays.fill(matchOfTrack, -1);
        boolean[] detectionMatched = new boolean[detections.size()];
        assign(tracks, true, detections, boxes, matchOfTrack, detectionMatched);
        assign(tracks, false, detections, boxes, matchOfTrack, detectionMatched);

        long[] trackIds = new long[detections.size()];
        Arrays.fill(trackIds, -1);
        List<Track> next = new ArrayList<>(tracks.size() + detections.size());
        for (int t = 0; t < tracks.size(); t++) {
            Track track = tracks.get(t);
            int d = matchOfTrack[t];
            if (d >= 0) {
                Track updated = matched(track, boxes.get(d), detections.get(d).keypoints());
                next.add(updated);
                if (updated.confirmed()) {
                    trackIds[d] = updated.id();
                }
            } else if (track.confirmed() && track.misses() < deathMisses) {
                next.add(new Track(track.id(), track.predicted(), track.hits(), track.misses() + 1, true, track.dx(),
                        track.dy(), track.keypoints()));
            }
        }
        long id = nextId;
        for (int d = 0; d < detections.size() && next.size() < maxTracks; d++) {
            if (!detectionMatched[d]) {
                Track born = new Track(id++, boxes.get(d), 1, 0, birthHits <= 1, 0, 0,
                        copy(detections.get(d).keypoints()));
                next.add(born);
                if (born.confirmed()) {
                    trackIds[d] = born.id();
                }
            }
        }
        return new Update(List.copyOf(next), id, trackIds);
    }

    /** Assigns the tracks that are ({@code confirmed}) or are not yet confirmed to the detections still free. */
    private void assign(List<Track> tracks, boolean confirmed, List<DetectedPerson> detections, List<Track.Box> boxes,
                        int[] matchOfTrack, boolean[] detectionMatched) {
        int[] rows = new int[tracks.size()];
        int n = 0;
        for (int t = 0; t < tracks.size(); t++) {
            if (tracks.get(t).confirmed() == confirmed) {
                rows[n++] = t;
            }
        }
        float[][] affinity = new float[n][detections.size()];
        for (int r = 0; r < n; r++) {
            for (int d = 0; d < detections.size(); d++) {
                if (!detectionMatched[d]) {
                    affinity[r][d] = affinity(tracks.get(rows[r]), boxes.get(d), detections.get(d).keypoints());
                }
            }
        }
        int[] assigned = TrackAssignment.maximise(affinity, detections.size());
        for (int r = 0; r < n; r++) {
            if (assigned[r] >= 0) {
                matchOfTrack[rows[r]] = assigned[r];
                detectionMatched[assigned[r]] = true;
            }
        }
    }

    /**
     * How well a detection continues a track, in (0, 1]: the overlap of its box with the track's predicted box, and
     * where both have poses the mean of that and their pose similarity; 0 when it is not consistent with the track.
     */
    private float affinity(Track track, Track.Box box, float[] keypoints) {
        Track.Box predicted = track.predicted();
        float iou = predicted.iou(box);
        if (iou < minIou) {
            return 0;
        }
        float trackHeight = track.box().height();
        float height = box.height();
        if (Math.max(trackHeight, height) > MAX_HEIGHT_RATIO * Math.min(trackHeight, height)) {
            return 0;
        }
        // the keypoints are where the person was last seen, misses + 1 frames before this one
        int steps = track.misses() + 1;
        float pose = PoseSimilarity.oks(track.keypoints(), track.dx() * steps, track.dy() * steps, keypoints,
                predicted.area());
        if (Float.isNaN(pose)) {
            return iou;
        }
        return pose < MIN_POSE_SIMILARITY + POSE_SIMILARITY_PER_MISS * track.misses() ? 0 : (iou + pose) / 2;
    }

    /** The track continued by a detection: its box and pose, and the velocity blended with the one measured. */
    private Track matched(Track track, Track.Box box, float[] keypoints) {
        int hits = track.hits() + 1;
        // the box moved on one frame of velocity for each miss: it was last seen that far back, misses + 1 frames ago
        int steps = track.misses() + 1;
        float seenX = track.box().centerX() - track.dx() * track.misses();
        float seenY = track.box().centerY() - track.dy() * track.misses();
        float measuredX = (box.centerX() - seenX) / steps;
        float measuredY = (box.centerY() - seenY) / steps;
        float dx = track.hits() == 1 ? measuredX : track.dx() + VELOCITY_WEIGHT * (measuredX - track.dx());
        float dy = track.hits() == 1 ? measuredY : track.dy() + VELOCITY_WEIGHT * (measuredY - track.dy());
        float speed = (float) Math.hypot(dx, dy);
        float limit = MAX_SPEED * box.height();
        if (speed > limit) {
            dx *= limit / speed;
            dy *= limit / speed;
        }
        return new Track(track.id(), box, hits, 0, track.confirmed() || hits >= birthHits, dx, dy, copy(keypoints));
    }

    private static float[] copy(float[] keypoints) {
        return keypoints == null ? null : keypoints.clone();
    }
}

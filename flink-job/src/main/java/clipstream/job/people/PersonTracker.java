package clipstream.job.people;

import clipstream.job.records.DetectedPerson;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Follows people from one frame of a camera to the next, so that a track stays on one body when people cross or
 * walk close in a crowd (a track that jumps to another person cuts clips mixing two bodies, which the action model
 * reads as a sudden change of posture: a fall), and stays on a person whose posture really changes (a fall, a bend)
 * however fast.
 *
 * <p>Each track moves at its own velocity (constant-velocity prediction: its box shifted by its smoothed velocity,
 * {@link Track#predicted()}). A detection can continue a track if its box overlaps the predicted box by an
 * intersection over union of at least {@code minIou} (after a missed frame: the predicted box or the one where the
 * track was last seen, {@link Track#seen()}, since the person may have stopped or turned unseen). Where another person
 * could be taken instead, the detection must also be like the track:
 * <ul>
 *   <li>where that is so: another confirmed track's predicted box overlaps the detection, or another detection
 *   overlaps the track's predicted box, by at least {@link #RIVAL_IOU}; or the track was missed for
 *   {@link #GUARDED_AFTER_MISSES} frames or more (someone else walking through where it was going is the likelier
 *   match then). A track on its own, seen a moment ago, takes what overlaps it, whatever the posture;</li>
 *   <li>what "like" means: a height within {@link #MAX_HEIGHT_RATIO} of the track's and a pose like the track's last
 *   one, moved on at the track's velocity or where it was ({@link PoseSimilarity}, at least
 *   {@link #MIN_POSE_SIMILARITY}, and {@link #POSE_SIMILARITY_PER_MISS} more for each frame missed); or a larger
 *   change of height with the box's bottom edge (the feet) within {@link #FEET_TOLERANCE} of the track's height of
 *   where it was or was going: that is the same person changing posture (falling, bending, sitting, getting up),
 *   since another person standing where the track's feet are is seen at about the track's height, and the pose then
 *   says nothing about who it is.</li>
 * </ul>
 * Among the pairs left, the assignment with the greatest summed affinity (the mean of overlap and pose similarity,
 * overlap alone without keypoints) is taken ({@link TrackAssignment}), confirmed tracks first and tentative ones on
 * the detections left over, so two tracks competing for overlapping people each keep the one that continues its
 * motion, and a newcomer's tentative track cannot take an established person's detection.
 *
 * <p>A matched track takes the detection's box and keypoints and blends the velocity measured since it was last seen
 * into its own ({@link #VELOCITY_WEIGHT}; its first measurement is taken whole; across a change of posture the feet's
 * vertical motion, not the box middle's, so a fall does not send the prediction down the frame); a confirmed track
 * without a match moves on to its predicted box, keeping its velocity, and is dropped after more than
 * {@code deathMisses} frames without one (a tentative one at its first miss); an unmatched detection starts a
 * tentative track, confirmed after {@code birthHits} frames. At most {@code maxTracks} tracks per camera: detections
 * beyond them are not followed, so a frame full of false detections cannot grow the state; a track holds one pose,
 * so its size is bounded too. Velocities are in pixels per posed frame, the tracker's step. Deterministic: the same
 * frames give the same ids, so a replay after a failure reports the same tracks.
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
     * Two boxes that overlap by this much (intersection over union) are close enough for one person to be taken for
     * the other: a detection this close to another track, or a track this close to another detection, is judged by
     * height and pose as well as by overlap.
     */
    public static final float RIVAL_IOU = 0.1f;
    /**
     * A track missed for this many frames in a row or more is continued only by a detection like it, rival or not (on
     * PETS09 through the job, the tracks that jumped to someone else took them after 2-10 missed frames; a person
     * missed for a frame or three while falling or turning is taken back as they are).
     */
    public static final int GUARDED_AFTER_MISSES = 4;
    /**
     * A judged detection continues a track only if the taller of their two boxes is at most this many times the
     * shorter (on PETS09 through the job, 99 % of a track's frame-to-frame height ratios are within 1.19; the larger
     * jumps are mostly the box moving to another person or taking in two), unless its feet stayed put.
     */
    public static final float MAX_HEIGHT_RATIO = 1.25f;
    /**
     * How far, as a share of the track's height, the bottom edge of a detection whose height changed more than
     * {@link #MAX_HEIGHT_RATIO} may be from the track's (where last seen or where going) for the change to be the
     * person's posture: a fall, a bend or sitting down brings the top down and leaves the feet where they were.
     */
    public static final float FEET_TOLERANCE = 0.1f;
    /**
     * A judged detection whose pose is less like the track's than this does not continue it (on PETS09 through the
     * job, 99.5 % of frame-to-frame matches are above it, and 37 % of the other people whose boxes overlap a track's
     * are below).
     */
    public static final float MIN_POSE_SIMILARITY = 0.2f;
    /**
     * How much more pose similarity each missed frame asks of a judged detection: the longer a track went unseen, the
     * less its predicted box says, and someone else passing there must not take it.
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
                    affinity[r][d] = affinity(tracks, rows[r], boxes, d, detections.get(d).keypoints());
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
     * How well detection {@code d} continues track {@code t}, in (0, 1]: its overlap with where the track is going (or,
     * after a miss, was last seen), and where both have poses the mean of that and their pose similarity; 0 when it
     * cannot continue it.
     */
    private float affinity(List<Track> tracks, int t, List<Track.Box> boxes, int d, float[] keypoints) {
        Track track = tracks.get(t);
        Track.Box box = boxes.get(d);
        Track.Box predicted = track.predicted();
        // a person unseen for a while may have stopped or turned: where they were is as good a guess as the prediction
        float iou = track.misses() == 0 ? predicted.iou(box) : Math.max(predicted.iou(box), track.seen().iou(box));
        if (iou < minIou) {
            // a standing box and a lying one overlap little, however close: a fall seen in one step is judged by the feet
            if (!fellWhereTheyStood(track, box)) {
                return 0;
            }
            iou = minIou;
        }
        float pose = poseSimilarity(track, keypoints);
        boolean judged = track.misses() >= GUARDED_AFTER_MISSES || rivalled(tracks, t, boxes, d);
        if (judged && !alike(track, box, pose)) {
            return 0;
        }
        return Float.isNaN(pose) ? iou : (iou + pose) / 2;
    }

    /**
     * How like the track's last pose {@code keypoints} are: moved on at the track's velocity for the frames since it
     * was seen, or where it was (a person who stopped, or who is falling about their feet), whichever is more alike;
     * NaN when the poses cannot be compared.
     */
    private static float poseSimilarity(Track track, float[] keypoints) {
        float area = track.predicted().area();
        int steps = track.misses() + 1;
        float moved = PoseSimilarity.oks(track.keypoints(), track.dx() * steps, track.dy() * steps, keypoints, area);
        float still = PoseSimilarity.oks(track.keypoints(), 0, 0, keypoints, area);
        return Float.isNaN(moved) || still > moved ? still : moved;
    }

    /** Whether another confirmed track could be the detection's person, or another detection the track's. */
    private static boolean rivalled(List<Track> tracks, int t, List<Track.Box> boxes, int d) {
        for (int other = 0; other < tracks.size(); other++) {
            Track rival = tracks.get(other);
            if (other != t && rival.confirmed() && rival.predicted().iou(boxes.get(d)) >= RIVAL_IOU) {
                return true;
            }
        }
        Track.Box predicted = tracks.get(t).predicted();
        for (int other = 0; other < boxes.size(); other++) {
            if (other != d && predicted.iou(boxes.get(other)) >= RIVAL_IOU) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a detection's box and pose ({@code pose}: its similarity to the track's, NaN if not comparable) are the
     * track's person's: about their height and pose, or their feet where they were with the height changed.
     */
    private static boolean alike(Track track, Track.Box box, float pose) {
        if (heightChanged(track.box(), box)) {
            float feet = Math.min(Math.abs(box.yMax() - track.seen().yMax()),
                    Math.abs(box.yMax() - track.predicted().yMax()));
            return feet <= FEET_TOLERANCE * track.box().height();
        }
        return Float.isNaN(pose) || pose >= MIN_POSE_SIMILARITY + POSE_SIMILARITY_PER_MISS * track.misses();
    }

    /**
     * Whether {@code box} is the track's person gone down where they stood: shorter by more than
     * {@link #MAX_HEIGHT_RATIO}, its bottom edge at their feet and their feet within its width.
     */
    private static boolean fellWhereTheyStood(Track track, Track.Box box) {
        Track.Box seen = track.seen();
        return box.height() * MAX_HEIGHT_RATIO < seen.height()
                && Math.abs(box.yMax() - seen.yMax()) <= FEET_TOLERANCE * seen.height()
                && seen.centerX() >= box.xMin() && seen.centerX() <= box.xMax();
    }

    /** Whether the taller of two boxes is more than {@link #MAX_HEIGHT_RATIO} times the shorter. */
    private static boolean heightChanged(Track.Box a, Track.Box b) {
        return Math.max(a.height(), b.height()) > MAX_HEIGHT_RATIO * Math.min(a.height(), b.height());
    }

    /** The track continued by a detection: its box and pose, and the velocity blended with the one measured. */
    private Track matched(Track track, Track.Box box, float[] keypoints) {
        int hits = track.hits() + 1;
        // the box moved on one frame of velocity for each miss: it was last seen that far back, misses + 1 frames ago
        int steps = track.misses() + 1;
        Track.Box seen = track.seen();
        float measuredX = (box.centerX() - seen.centerX()) / steps;
        // a change of posture moves the box's middle but not the person: then their feet say where they went
        float measuredY = heightChanged(seen, box) ? (box.yMax() - seen.yMax()) / steps
                : (box.centerY() - seen.centerY()) / steps;
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

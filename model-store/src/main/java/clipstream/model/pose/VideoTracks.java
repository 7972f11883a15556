package clipstream.model.pose;

import clipstream.media.people.Joint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * People followed through a recorded video by the overlap of their boxes, to count what a pose model gets wrong
 * about someone it keeps finding: the frames in a track's life in which it missed them ({@code KeypointNoise}'s
 * {@code missingFrameRate}) and those in which it swapped their left and right ({@code swapRate}).
 *
 * <p>Each frame's detections are matched greedily, best intersection-over-union first (at least {@code minIou}), to
 * the tracks last seen at most {@code maxGap} frames before, each track's box moved on at the velocity of its last
 * two sightings (so that a walker missed for a frame or two is still found where they went); a detection left over
 * starts a track. The job's live tracker (flink-job's {@code PersonTracker}) matches the same way without the
 * prediction and keeps no history; it cannot be used from here, where whole tracks are needed afterwards.
 */
public final class VideoTracks {
    /** Tracks with fewer sightings with an orientation than this are left out of the swap count. */
    static final int MIN_ORIENTED_FRAMES = 5;

    private final float minIou;
    private final int maxGap;
    private final List<List<Sighting>> tracks = new ArrayList<>();
    private int lastFrame = -1;

    public VideoTracks(float minIou, int maxGap) {
        if (!(minIou > 0 && minIou <= 1) || maxGap < 0) {
            throw new IllegalArgumentException("need 0 < minIou <= 1 and maxGap >= 0, got " + minIou + ", " + maxGap);
        }
        this.minIou = minIou;
        this.maxGap = maxGap;
    }

    /** A person found in a frame. */
    public record Sighting(int frame, PersonPose person) {
    }

    /** One person's track: their sightings in frame order, not necessarily in consecutive frames. */
    public record TrackedPerson(int id, List<Sighting> sightings) {

        public int firstFrame() {
            return sightings.get(0).frame();
        }

        public int lastFrame() {
            return sightings.get(sightings.size() - 1).frame();
        }

        /** Frames from the first sighting to the last. */
        public int life() {
            return lastFrame() - firstFrame() + 1;
        }
    }

    /** Adds the people found in {@code frame}; frames come in increasing order, those with nobody may be skipped. */
    public void add(int frame, List<PersonPose> people) {
        if (frame <= lastFrame) {
            throw new IllegalArgumentException("frames must increase: " + frame + " after " + lastFrame);
        }
        lastFrame = frame;
        record Pair(int track, int person, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int t = 0; t < tracks.size(); t++) {
            List<Sighting> track = tracks.get(t);
            if (frame - track.get(track.size() - 1).frame() > maxGap + 1) {
                continue;
            }
            float[] predicted = predictedBox(track, frame);
            for (int p = 0; p < people.size(); p++) {
                double iou = iou(predicted, box(people.get(p)));
                if (iou >= minIou) {
                    pairs.add(new Pair(t, p, iou));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((Pair p) -> -p.iou()).thenComparingInt(Pair::track)
                .thenComparingInt(Pair::person));
        boolean[] trackTaken = new boolean[tracks.size()];
        boolean[] personTaken = new boolean[people.size()];
        for (Pair pair : pairs) {
            if (!trackTaken[pair.track()] && !personTaken[pair.person()]) {
                trackTaken[pair.track()] = true;
                personTaken[pair.person()] = true;
                tracks.get(pair.track()).add(new Sighting(frame, people.get(pair.person())));
            }
        }
        for (int p = 0; p < people.size(); p++) {
            if (!personTaken[p]) {
                List<Sighting> track = new ArrayList<>();
                track.add(new Sighting(frame, people.get(p)));
                tracks.add(track);
            }
        }
    }

    public List<TrackedPerson> tracks() {
        List<TrackedPerson> all = new ArrayList<>(tracks.size());
        for (int t = 0; t < tracks.size(); t++) {
            all.add(new TrackedPerson(t, List.copyOf(tracks.get(t))));
        }
        return all;
    }

    /**
     * Missed frames and swaps over the tracks of at least {@code minSightings} sightings. A pair of left and right
     * joints (shoulders, hips) closer in x than {@code minSideSeparation} of the person's height is not told apart: the
     * person is seen side-on and the order says nothing.
     *
     * @param gapLengths how many gaps of 1, 2, ... frames ({@code gapLengths[k - 1]}: gaps of k frames)
     * @param missingFrameRate missed frames over the tracks' lives (first to last sighting)
     * @param orientedFrames sightings whose shoulders and hips (all scored at least the threshold) are in the same
     *     left/right order, each pair at least {@code minSideSeparation} of the height apart
     * @param swappedFrames oriented sightings in the order opposite to their track's majority: model swaps, and also
     *     people who turned round
     * @param isolatedSwaps swapped sightings between two oriented sightings in the majority order: what a model's
     *     one-frame swap looks like
     */
    public record Summary(int tracks, int longTracks, long lifeFrames, long sightings, long missedFrames,
                          double missingFrameRate, long[] gapLengths, long orientedFrames, long swappedFrames,
                          double swapRate, long isolatedSwaps, double isolatedSwapRate) {
    }

    public Summary summary(int minSightings, float minKeypointScore, double minSideSeparation) {
        long life = 0;
        long seen = 0;
        long[] gaps = new long[maxGap];
        long oriented = 0;
        long swapped = 0;
        long isolated = 0;
        int longTracks = 0;
        for (TrackedPerson track : tracks()) {
            if (track.sightings().size() < minSightings) {
                continue;
            }
            longTracks++;
            life += track.life();
            seen += track.sightings().size();
            for (int s = 1; s < track.sightings().size(); s++) {
                int gap = track.sightings().get(s).frame() - track.sightings().get(s - 1).frame() - 1;
                if (gap > 0) {
                    gaps[gap - 1]++;
                }
            }
            Swaps swaps = swaps(track, minKeypointScore, minSideSeparation);
            oriented += swaps.oriented();
            swapped += swaps.swapped();
            isolated += swaps.isolated();
        }
        return new Summary(tracks.size(), longTracks, life, seen, life - seen,
                life == 0 ? Double.NaN : (life - seen) / (double) life, gaps, oriented, swapped,
                oriented == 0 ? Double.NaN : swapped / (double) oriented, isolated,
                oriented == 0 ? Double.NaN : isolated / (double) oriented);
    }

    private record Swaps(int oriented, int swapped, int isolated) {
    }

    /** One track's oriented sightings, those against its majority and those of them that last a single sighting. */
    private static Swaps swaps(TrackedPerson track, float minKeypointScore, double minSideSeparation) {
        int[] sides = track.sightings().stream()
                .mapToInt(s -> orientation(s.person(), minKeypointScore, minSideSeparation))
                .filter(o -> o != 0).toArray();
        int majority = Integer.signum(Arrays.stream(sides).sum());
        if (sides.length < MIN_ORIENTED_FRAMES || majority == 0) {
            return new Swaps(0, 0, 0); // too few, or as often one way as the other: nothing to call a swap
        }
        int swapped = 0;
        int isolated = 0;
        for (int i = 0; i < sides.length; i++) {
            if (sides[i] != majority) {
                swapped++;
                if (i > 0 && i + 1 < sides.length && sides[i - 1] == majority && sides[i + 1] == majority) {
                    isolated++;
                }
            }
        }
        return new Swaps(sides.length, swapped, isolated);
    }

    /**
     * +1 when the person's left shoulder and hip are both right of (larger x than) their right ones, −1 when both
     * are left of them, 0 when that cannot be told (a joint scored below the threshold, a pair too close in x, or
     * shoulders and hips disagreeing).
     */
    static int orientation(PersonPose person, float minScore, double minSeparation) {
        int shoulders = side(person, Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER, minScore, minSeparation);
        int hips = side(person, Joint.LEFT_HIP, Joint.RIGHT_HIP, minScore, minSeparation);
        return shoulders == hips ? shoulders : 0;
    }

    private static int side(PersonPose person, Joint left, Joint right, float minScore, double minSeparation) {
        PersonPose.Keypoint l = person.keypoints().get(left.ordinal());
        PersonPose.Keypoint r = person.keypoints().get(right.ordinal());
        if (l.score() < minScore || r.score() < minScore) {
            return 0;
        }
        double dx = l.x() - r.x();
        return Math.abs(dx) < minSeparation * person.height() ? 0 : (int) Math.signum(dx);
    }

    /** The track's last box, moved on to {@code frame} at the velocity between its last two sightings. */
    private static float[] predictedBox(List<Sighting> track, int frame) {
        Sighting last = track.get(track.size() - 1);
        float[] box = box(last.person());
        if (track.size() < 2) {
            return box;
        }
        Sighting before = track.get(track.size() - 2);
        float[] previous = box(before.person());
        float ahead = (frame - last.frame()) / (float) (last.frame() - before.frame());
        float dx = ((box[0] + box[2]) - (previous[0] + previous[2])) / 2 * ahead;
        float dy = ((box[1] + box[3]) - (previous[1] + previous[3])) / 2 * ahead;
        return new float[] {box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy};
    }

    private static float[] box(PersonPose person) {
        return new float[] {person.xMin(), person.yMin(), person.xMax(), person.yMax()};
    }

    /** Intersection over union of two boxes {xMin, yMin, xMax, yMax}; 0 when they do not overlap. */
    static double iou(float[] a, float[] b) {
        double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}

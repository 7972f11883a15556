package clipstream.job.people;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Follows people from one frame of a camera to the next by the overlap of their boxes: each frame's detections are
 * matched greedily to the camera's tracks, best intersection-over-union first (at least {@code minIou}); a matched
 * track takes the detection's box; an unmatched detection starts a tentative track; a track is confirmed after
 * {@code birthHits} frames in a row and dropped after more than {@code deathMisses} frames without a match (a
 * tentative one at its first miss). At most {@code maxTracks} tracks per camera: detections beyond them are not
 * followed, so a frame full of false detections cannot grow the state. Deterministic: the same frames give the same
 * ids, so a replay after a failure reports the same tracks.
 *
 * <p>Greedy matching rather than the Hungarian method: with the handful of people a camera sees, the two differ only
 * when boxes overlap heavily in both frames, and greedy by IoU is what most real-time trackers (SORT's IoU variant,
 * ByteTrack's second stage) settle for.
 */
public final class PersonTracker implements Serializable {
    private static final long serialVersionUID = 1L;

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

    public Update update(List<Track> tracks, long nextId, List<Track.Box> detections) {
        long[] trackIds = new long[detections.size()];
        Arrays.fill(trackIds, -1);
        int[] matchOfTrack = new int[tracks.size()];
        Arrays.fill(matchOfTrack, -1);
        boolean[] detectionMatched = new boolean[detections.size()];
        for (Pair pair : candidates(tracks, detections)) {
            if (matchOfTrack[pair.track] < 0 && !detectionMatched[pair.detection]) {
                matchOfTrack[pair.track] = pair.detection;
                detectionMatched[pair.detection] = true;
            }
        }
        List<Track> next = new ArrayList<>(tracks.size() + detections.size());
        for (int t = 0; t < tracks.size(); t++) {
            Track track = tracks.get(t);
            int d = matchOfTrack[t];
            if (d >= 0) {
                int hits = track.hits() + 1;
                Track updated = new Track(track.id(), detections.get(d), hits, 0, track.confirmed() || hits >= birthHits);
                next.add(updated);
                if (updated.confirmed()) {
                    trackIds[d] = updated.id();
                }
            } else if (track.confirmed() && track.misses() < deathMisses) {
                next.add(new Track(track.id(), track.box(), track.hits(), track.misses() + 1, true));
            }
        }
        long id = nextId;
        for (int d = 0; d < detections.size() && next.size() < maxTracks; d++) {
            if (!detectionMatched[d]) {
                Track born = new Track(id++, detections.get(d), 1, 0, birthHits <= 1);
                next.add(born);
                if (born.confirmed()) {
                    trackIds[d] = born.id();
                }
            }
        }
        return new Update(List.copyOf(next), id, trackIds);
    }

    private record Pair(int track, int detection, float iou) {
    }

    /** Every track-detection pair that overlaps enough, best first; ties broken by track, then detection order. */
    private List<Pair> candidates(List<Track> tracks, List<Track.Box> detections) {
        List<Pair> pairs = new ArrayList<>();
        for (int t = 0; t < tracks.size(); t++) {
            for (int d = 0; d < detections.size(); d++) {
                float iou = tracks.get(t).box().iou(detections.get(d));
                if (iou >= minIou) {
                    pairs.add(new Pair(t, d, iou));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((Pair p) -> -p.iou).thenComparingInt(Pair::track)
                .thenComparingInt(Pair::detection));
        return pairs;
    }
}

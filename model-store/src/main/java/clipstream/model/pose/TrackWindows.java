package clipstream.model.pose;

import java.util.ArrayList;
import java.util.List;

/**
 * A recorded video's tracks cut into the keypoint clips a pose-based action model takes, the way the job's
 * {@code TrackClips} cuts a live camera's: windows of {@code length} pose frames every {@code stride}, a pose frame
 * in which the track was missed filled with a lost person (all scores 0), a track missed more than {@code maxGap}
 * pose frames in a row ended there, and a window the track does not fill dropped (no padded clips).
 */
public final class TrackWindows {

    private TrackWindows() {
    }

    /**
     * One clip of one track.
     *
     * @param track the track's id ({@link VideoTracks.TrackedPerson#id()})
     * @param first first pose frame of the clip (the index given to {@link VideoTracks#add})
     * @param keypoints [frame][joint][x, y, score] in frame pixels; a filled frame is all 0
     * @param boxes [frame] the detection box (xMin, yMin, xMax, yMax) in frame pixels; null for a filled frame
     * @param filled pose frames in which the track was missed
     */
    public record Window(int track, int first, float[][][] keypoints, float[][] boxes, int filled) {

        public int last() {
            return first + keypoints.length - 1;
        }

        /** The union of the clip's detection boxes: xMin, yMin, xMax, yMax. */
        public float[] box() {
            float[] union = {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                    Float.NEGATIVE_INFINITY};
            for (float[] b : boxes) {
                if (b != null) {
                    union[0] = Math.min(union[0], b[0]);
                    union[1] = Math.min(union[1], b[1]);
                    union[2] = Math.max(union[2], b[2]);
                    union[3] = Math.max(union[3], b[3]);
                }
            }
            return union;
        }
    }

    /** Every whole window of every track, by track then first frame. */
    public static List<Window> of(List<VideoTracks.TrackedPerson> tracks, int length, int stride, int maxGap) {
        if (length < 2 || stride < 1 || stride > length || maxGap < 0) {
            throw new IllegalArgumentException("windows need length >= 2, 1 <= stride <= length and maxGap >= 0, got "
                    + length + ", " + stride + ", " + maxGap);
        }
        List<Window> windows = new ArrayList<>();
        for (VideoTracks.TrackedPerson track : tracks) {
            for (List<VideoTracks.Sighting> run : runs(track.sightings(), maxGap)) {
                int first = run.get(0).frame();
                int frames = run.get(run.size() - 1).frame() - first + 1;
                PersonPose[] byFrame = new PersonPose[frames];
                for (VideoTracks.Sighting s : run) {
                    byFrame[s.frame() - first] = s.person();
                }
                for (int start = 0; start + length <= frames; start += stride) {
                    windows.add(window(track.id(), first + start, byFrame, start, length));
                }
            }
        }
        return windows;
    }

    /** A track split where it was missed more than {@code maxGap} frames in a row. */
    private static List<List<VideoTracks.Sighting>> runs(List<VideoTracks.Sighting> sightings, int maxGap) {
        List<List<VideoTracks.Sighting>> runs = new ArrayList<>();
        List<VideoTracks.Sighting> run = new ArrayList<>();
        for (VideoTracks.Sighting s : sightings) {
            if (!run.isEmpty() && s.frame() - run.get(run.size() - 1).frame() - 1 > maxGap) {
                runs.add(run);
                run = new ArrayList<>();
            }
            run.add(s);
        }
        if (!run.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }

    private static Window window(int track, int first, PersonPose[] byFrame, int start, int length) {
        int joints = 0;
        for (PersonPose p : byFrame) {
            if (p != null) {
                joints = p.keypoints().size();
                break;
            }
        }
        float[][][] keypoints = new float[length][joints][3];
        float[][] boxes = new float[length][];
        int filled = 0;
        for (int t = 0; t < length; t++) {
            PersonPose person = byFrame[start + t];
            if (person == null) {
                filled++;
                continue;
            }
            for (int j = 0; j < joints; j++) {
                PersonPose.Keypoint k = person.keypoints().get(j);
                keypoints[t][j] = new float[] {k.x(), k.y(), k.score()};
            }
            boxes[t] = new float[] {person.xMin(), person.yMin(), person.xMax(), person.yMax()};
        }
        return new Window(track, first, keypoints, boxes, filled);
    }
}

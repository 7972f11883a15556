package clipstream.job.people;

import clipstream.job.records.Clip;
import clipstream.job.records.PersonRef;
import clipstream.model.pose.KeypointClips;
import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One camera's clips per person: every tracked person's keypoints, pose frame after pose frame, cut into clips of
 * {@code length} pose frames every {@code stride} (the windows overlap when the stride is shorter), each clip
 * normalised to the person's clip box ({@link KeypointClips}) and handed to a pose-based action model.
 *
 * <p>A pose frame in which a track is missing is filled with a lost person (every keypoint score 0: what the pose
 * model reports for a person it misses, and what the training data's missed frames are); more than {@code maxGap}
 * such frames in a row end the track's clip. A track that ends, or a camera that changes its frame size, drops its
 * unfinished clip: the model was trained on whole clips, and padding a partial one would show it a person vanishing
 * that the training data never shows ({@link #droppedPartialClips()} counts them). Poses of an older or equal seq than
 * the camera's last are ignored (counted). At most {@code maxTracks} people are followed at once; a new track beyond
 * that waits until one ends (counted), so state is bounded by maxTracks × length pose frames.
 *
 * <p>Not thread-safe; one instance per camera, kept in keyed state.
 */
public final class TrackClips implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final int stride;
    private final int maxGap;
    private final int maxTracks;
    private final Map<Long, TrackBuffer> tracks = new LinkedHashMap<>();
    private long lastSeq = -1;
    private int width;
    private int height;
    private long droppedPartialClips;
    private long ignoredPoses;
    private long refusedTracks;

    public TrackClips(int length, int stride, int maxGap, int maxTracks) {
        if (length < 2 || stride < 1 || stride > length || maxGap < 0 || maxTracks < 1) {
            throw new IllegalArgumentException("a person's clip needs length >= 2, 1 <= stride <= length, maxGap >= 0"
                    + " and maxTracks >= 1, got " + length + ", " + stride + ", " + maxGap + ", " + maxTracks);
        }
        this.length = length;
        this.stride = stride;
        this.maxGap = maxGap;
        this.maxTracks = maxTracks;
    }

    /** One pose frame of one person: keypoints in frame pixels (17 × 3), and their detection box (null if filled). */
    private record PoseFrame(long seq, long captureTime, float[] keypoints, float[] box) implements Serializable {
    }

    /** A track's pose frames not yet cut into a clip, and how many frames in a row it has been missing. */
    private static final class TrackBuffer implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayList<PoseFrame> frames = new ArrayList<>();
        private int missing;
    }

    /**
     * Takes the camera's next pose frame; returns the clips it completes (possibly none), {@code now} as their
     * completion time.
     */
    public List<Clip> add(PersonPoses poses, int joints, long now) {
        if (poses.getSeq() <= lastSeq) {
            ignoredPoses++;
            return List.of();
        }
        if (poses.getWidth() != width || poses.getHeight() != height) {
            dropAll();
            width = poses.getWidth();
            height = poses.getHeight();
        }
        lastSeq = poses.getSeq();
        long captureTime = poses.getCaptureTime().toEpochMilli();
        List<Clip> clips = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (Person person : poses.getPeople()) {
            long track = person.getTrackId();
            if (track < 0 || person.getKeypoints().size() != joints || !seen.add(track)) {
                continue; // not confirmed yet (or a malformed duplicate): no clip follows it
            }
            TrackBuffer buffer = tracks.get(track);
            if (buffer == null) {
                if (tracks.size() >= maxTracks) {
                    refusedTracks++;
                    continue;
                }
                buffer = new TrackBuffer();
                tracks.put(track, buffer);
            }
            buffer.missing = 0;
            buffer.frames.add(new PoseFrame(poses.getSeq(), captureTime, keypoints(person),
                    new float[] {person.getXMin(), person.getYMin(), person.getXMax(), person.getYMax()}));
            cutIfWhole(track, buffer, poses.getCameraId(), now, clips);
        }
        for (Iterator<Map.Entry<Long, TrackBuffer>> it = tracks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, TrackBuffer> entry = it.next();
            if (seen.contains(entry.getKey())) {
                continue;
            }
            TrackBuffer buffer = entry.getValue();
            if (++buffer.missing > maxGap) {
                if (!buffer.frames.isEmpty()) {
                    droppedPartialClips++;
                }
                it.remove();
                continue;
            }
            buffer.frames.add(new PoseFrame(poses.getSeq(), captureTime, new float[joints * 3], null));
            cutIfWhole(entry.getKey(), buffer, poses.getCameraId(), now, clips);
        }
        return clips;
    }

    private void cutIfWhole(long track, TrackBuffer buffer, String camera, long now, List<Clip> out) {
        if (buffer.frames.size() < length) {
            return;
        }
        List<PoseFrame> frames = buffer.frames.subList(0, length);
        int joints = frames.get(0).keypoints().length / 3;
        float[][][] keypoints = new float[length][joints][3];
        float xMin = Float.POSITIVE_INFINITY;
        float yMin = Float.POSITIVE_INFINITY;
        float xMax = Float.NEGATIVE_INFINITY;
        float yMax = Float.NEGATIVE_INFINITY;
        int filled = 0;
        for (int t = 0; t < length; t++) {
            PoseFrame frame = frames.get(t);
            for (int j = 0; j < joints; j++) {
                System.arraycopy(frame.keypoints(), j * 3, keypoints[t][j], 0, 3);
            }
            if (frame.box() == null) {
                filled++;
                continue;
            }
            xMin = Math.min(xMin, frame.box()[0]);
            yMin = Math.min(yMin, frame.box()[1]);
            xMax = Math.max(xMax, frame.box()[2]);
            yMax = Math.max(yMax, frame.box()[3]);
        }
        PoseFrame first = frames.get(0);
        PoseFrame last = frames.get(length - 1);
        byte[] clip = KeypointClips.toBytes(KeypointClips.normalise(keypoints));
        out.add(new Clip(camera, first.seq(), last.seq(), first.captureTime(), last.captureTime(), filled, clip, now,
                new PersonRef(track, xMin, yMin, xMax, yMax, width, height)));
        frames.subList(0, stride).clear();
    }

    private static float[] keypoints(Person person) {
        List<Keypoint> keypoints = person.getKeypoints();
        float[] values = new float[keypoints.size() * 3];
        for (int j = 0; j < keypoints.size(); j++) {
            Keypoint k = keypoints.get(j);
            values[j * 3] = k.getX();
            values[j * 3 + 1] = k.getY();
            values[j * 3 + 2] = k.getScore();
        }
        return values;
    }

    private void dropAll() {
        for (TrackBuffer buffer : tracks.values()) {
            if (!buffer.frames.isEmpty()) {
                droppedPartialClips++;
            }
        }
        tracks.clear();
    }

    /** People followed now. */
    public int tracks() {
        return tracks.size();
    }

    /** Unfinished clips dropped because their track ended or the frame size changed. */
    public long droppedPartialClips() {
        return droppedPartialClips;
    }

    /** Pose frames ignored because their seq was not after the camera's last. */
    public long ignoredPoses() {
        return ignoredPoses;
    }

    /** New tracks not followed because {@code maxTracks} were followed already. */
    public long refusedTracks() {
        return refusedTracks;
    }
}

package clipstream.model.pose;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Measures a pose model's errors on a real video in the terms of media's {@code KeypointNoise}, fed the people the
 * model found in each frame: the jitter of one person standing still in a given stretch and region
 * ({@link StillPersonJitter}), the keypoint scores and lost joints of everyone ({@link KeypointScoreStatistics}),
 * missed frames and left/right swaps along box-overlap tracks ({@link VideoTracks}), and how many people each frame
 * holds and how tall they are.
 */
public final class PoseNoiseStatistics {
    /** A person can be the still one when at least this share of their box lies in the still region. */
    static final double MIN_STILL_SHARE = 0.5;

    private final Settings settings;
    private final int width;
    private final int height;
    private final KeypointScoreStatistics scores;
    private final VideoTracks tracks;
    private final float[][][] still;
    private final double[] stillHeights;
    private final List<Integer> peoplePerFrame = new ArrayList<>();
    private final List<Double> heights = new ArrayList<>();

    /**
     * What to measure and how.
     *
     * @param minKeypointScore a keypoint scored below this is lost, at or above it seen (and used for jitter)
     * @param stillFrames the frames in which the still person stands still; null (with the region) for nobody
     * @param stillRegion where they stand, in frame pixels; null (with the frames) for nobody
     * @param trackMinIou the least box overlap that continues a track
     * @param trackMaxGap the most frames a track may miss and still continue
     * @param minTrackSightings tracks with fewer sightings are left out of missed frames and swaps
     * @param minSideSeparation left and right shoulders, and hips, closer in x than this fraction of the person's
     *     height say nothing about left and right (a person seen side-on)
     */
    public record Settings(float minKeypointScore, FrameRange stillFrames, Region stillRegion, float trackMinIou,
                           int trackMaxGap, int minTrackSightings, double minSideSeparation) {

        public Settings {
            if ((stillFrames == null) != (stillRegion == null)) {
                throw new IllegalArgumentException("give both the still person's frames and region, or neither");
            }
            if (!(minKeypointScore > 0 && minKeypointScore < 1)) {
                throw new IllegalArgumentException("the keypoint score threshold must be within (0, 1), got "
                        + minKeypointScore);
            }
            if (minTrackSightings < 2) {
                throw new IllegalArgumentException("tracks need at least 2 sightings to miss a frame, got "
                        + minTrackSightings);
            }
            if (!(minSideSeparation >= 0 && minSideSeparation < 1)) {
                throw new IllegalArgumentException("the left/right separation must be within [0, 1) of the height,"
                        + " got " + minSideSeparation);
            }
        }
    }

    /** Frames {@code first} to {@code last}, both included, counted from 0. */
    public record FrameRange(int first, int last) {

        public FrameRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("a frame range needs 0 <= first <= last, got " + first + "-" + last);
            }
        }

        /** Parses {@code FIRST-LAST}, e.g. {@code 549-571}. */
        public static FrameRange parse(String text) {
            String[] parts = text.strip().split("-");
            try {
                if (parts.length == 2) {
                    return new FrameRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("a frame range is FIRST-LAST, e.g. 549-571; got '" + text + "'");
        }

        public int size() {
            return last - first + 1;
        }

        public boolean contains(int frame) {
            return frame >= first && frame <= last;
        }
    }

    /** A rectangle in frame pixels. */
    public record Region(float xMin, float yMin, float xMax, float yMax) {

        public Region {
            if (!(xMax > xMin && yMax > yMin)) {
                throw new IllegalArgumentException("a region needs xMin < xMax and yMin < yMax, got " + xMin + ","
                        + yMin + "," + xMax + "," + yMax);
            }
        }

        /** Parses {@code XMIN,YMIN,XMAX,YMAX}, e.g. {@code 620,290,700,425}. */
        public static Region parse(String text) {
            String[] parts = text.strip().split(",");
            try {
                if (parts.length == 4) {
                    return new Region(Float.parseFloat(parts[0]), Float.parseFloat(parts[1]),
                            Float.parseFloat(parts[2]), Float.parseFloat(parts[3]));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("a region is XMIN,YMIN,XMAX,YMAX in pixels, e.g. 620,290,700,425; got '"
                    + text + "'");
        }

        /** The area of the person's box that lies inside this region, in square pixels. */
        public double overlap(PersonPose person) {
            double w = Math.min(xMax, person.xMax()) - Math.max(xMin, person.xMin());
            double h = Math.min(yMax, person.yMax()) - Math.max(yMin, person.yMin());
            return w <= 0 || h <= 0 ? 0 : w * h;
        }
    }

    /**
     * Everything measured.
     *
     * @param frames frames fed
     * @param peoplePerFrame people found per frame
     * @param personHeights the height of every person found, in pixels (box height)
     * @param still the still person's jitter; null when the settings name nobody
     */
    public record Report(Settings settings, int frames, int width, int height, SampleSummary peoplePerFrame,
                         SampleSummary personHeights, StillPersonJitter still, KeypointScoreStatistics.Summary scores,
                         VideoTracks.Summary tracks) {
    }

    public PoseNoiseStatistics(Settings settings, int width, int height) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.width = width;
        this.height = height;
        this.scores = new KeypointScoreStatistics(settings.minKeypointScore(), width, height);
        this.tracks = new VideoTracks(settings.trackMinIou(), settings.trackMaxGap());
        int stillFrames = settings.stillFrames() == null ? 0 : settings.stillFrames().size();
        this.still = new float[stillFrames][][];
        this.stillHeights = new double[stillFrames];
    }

    /** Adds the people found in {@code frame} (counted from 0, increasing). */
    public void add(int frame, List<PersonPose> people) {
        tracks.add(frame, people);
        peoplePerFrame.add(people.size());
        for (PersonPose person : people) {
            heights.add((double) person.height());
            scores.add(keypoints(person), person.height());
        }
        if (settings.stillFrames() != null && settings.stillFrames().contains(frame)) {
            PersonPose match = stillPerson(people, settings.stillRegion());
            if (match != null) {
                still[frame - settings.stillFrames().first()] = keypoints(match);
                stillHeights[frame - settings.stillFrames().first()] = match.height();
            }
        }
    }

    public Report report() {
        return new Report(settings, peoplePerFrame.size(), width, height, SampleSummary.of(peoplePerFrame),
                SampleSummary.of(heights), settings.stillFrames() == null ? null
                        : StillPersonJitter.of(still, stillHeights, settings.minKeypointScore()),
                scores.summary(), tracks.summary(settings.minTrackSightings(), settings.minKeypointScore(),
                        settings.minSideSeparation()));
    }

    /**
     * The person with the largest share of their box inside {@code region}, at least {@link #MIN_STILL_SHARE}; null
     * when nobody has that much. A share rather than an area: a region drawn with a margin around the still person
     * holds all of them, while a larger passer-by may cover more of it with only part of their box.
     */
    static PersonPose stillPerson(List<PersonPose> people, Region region) {
        PersonPose best = null;
        double bestShare = MIN_STILL_SHARE;
        for (PersonPose person : people) {
            double area = (double) person.width() * person.height();
            double share = area > 0 ? region.overlap(person) / area : 0;
            if (share >= bestShare && (best == null || share > bestShare)) {
                best = person;
                bestShare = share;
            }
        }
        return best;
    }

    /** A person's keypoints as {@code [joint][x, y, score]}, the layout of media's simulated pose estimator. */
    static float[][] keypoints(PersonPose person) {
        float[][] keypoints = new float[person.keypoints().size()][];
        for (int j = 0; j < keypoints.length; j++) {
            PersonPose.Keypoint k = person.keypoints().get(j);
            keypoints[j] = new float[] {k.x(), k.y(), k.score()};
        }
        return keypoints;
    }
}

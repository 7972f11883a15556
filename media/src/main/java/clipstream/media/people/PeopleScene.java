package clipstream.media.people;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A camera that sees people move continuously, clip after clip, as an edge device running pose estimation would
 * report them: the keypoints of everyone in frame {@code seq}, with known ground truth (who is where, doing what).
 * Made of {@link PoseClipGenerator}'s parts: each person has a body ({@link BodyProportions#sample}), does one
 * {@link ActionMotion} per segment of {@code segmentFrames} frames (the action model's clip, aligned with seqs that
 * are multiples of it, as synthetic cameras' segments are), and is reported through {@link SimulatedPoseEstimator}
 * with its noise. Unlike the generator's independent clips, each motion starts where and facing as the previous one
 * ended, so a person walks through several clips and a tracker can follow them.
 *
 * <p>The frame is split into {@code people} vertical lanes, one per person slot, each filmed by its own fixed
 * {@link PinholeCamera} (drawn from the seed): people never overlap, which keeps what a tracker must do to following
 * each person over time. A motion is turned about its start (one of 16 headings) so that as much of it as possible
 * stays in view and it ends near the middle of the lane's ground. A lane's person comes for a visit of
 * {@link #VISIT_SEGMENTS} segments: {@code VISIT_SEGMENTS - 1} segments of actions, then one segment with nobody (so
 * the tracker lets the person go before another comes), with a new body each visit; lanes' visits are staggered. A
 * fall ends the visit early (no action gets up from the floor). With random actions, a sit-down is followed by a
 * stand-up (never the visit's last action), and a stand-up comes only then. Every person of a camera has an id:
 * visit × people + lane.
 *
 * <p>Deterministic: everything follows from the seed, so a consumer that knows the camera's settings knows its
 * ground truth without talking to the producer ({@link #personAt}, {@link #actionAt}, {@link #laneOf}). Frames are
 * cheapest in seq order (each lane renders a segment once); any seq can be asked for, at the cost of at most a
 * visit's segments. Not thread-safe.
 */
public final class PeopleScene {
    /** Segments per visit of a lane's person, the last of them empty. */
    public static final int VISIT_SEGMENTS = 8;
    /** People (lanes) a scene has at most. */
    public static final int MAX_PEOPLE = 16;
    /** Keypoints scored below this are not counted into a person's box (pose demos commonly draw from 0.3). */
    static final double CONFIDENT = 0.3;
    /** A person is reported when at least this many keypoints are confident: fewer is a missed detection. */
    static final int MIN_CONFIDENT_KEYPOINTS = 3;
    /** Ground half-width a lane's camera sees at the lane's middle, in metres: room for a walk in any direction. */
    static final double VIEW_HALF_WIDTH = 3.0;
    private static final int HEADINGS = 16;
    private static final double PELVIS_HEIGHT = 0.9;
    private static final long ACTIONS = 0x41C7L;
    private static final long MOTION = 0x6D6FL;
    private static final long NOISE = 0x6E6FL;
    private static final long BODY = 0x626FL;
    private static final long CAMERA = 0x6361L;
    private static final long ENTRY = 0x656EL;
    /** The actions drawn at random (a stand-up only follows a sit-down), the sit-down last. */
    private static final PersonAction[] DRAWN = {PersonAction.STAND, PersonAction.WALK, PersonAction.RUN,
        PersonAction.FALL, PersonAction.JUMP, PersonAction.WAVE, PersonAction.BEND, PersonAction.CROUCH,
        PersonAction.KICK, PersonAction.PUNCH, PersonAction.SIT_DOWN};

    private final int people;
    private final int width;
    private final int height;
    private final int laneWidth;
    private final double fps;
    private final int segmentFrames;
    private final Optional<PersonAction> action;
    private final long seed;
    private final SimulatedPoseEstimator estimator;
    private final Lane[] lanes;

    /**
     * One person as the simulated pose estimator reports them in a frame: the person's id, lane and action, a score
     * (the mean of the keypoints'), a box around the confident keypoints, and keypoints [17][x, y, score] in the
     * frame's pixels, in {@link Joint} order. Arrays are not copied: treat them as read-only.
     */
    public record SeenPerson(long personId, int lane, PersonAction action, float score, float xMin, float yMin,
                             float xMax, float yMax, float[][] keypoints) {
    }

    /**
     * A scene of {@code people} lanes in frames of {@code width}×{@code height} at {@code fps}, one action per
     * {@code segmentFrames} frames: {@code action}, or random ones when empty; everything drawn from {@code seed}.
     */
    public PeopleScene(int people, int width, int height, double fps, int segmentFrames,
                       Optional<PersonAction> action, long seed) {
        this(people, width, height, fps, segmentFrames, action, seed, KeypointNoise.DEFAULTS);
    }

    public PeopleScene(int people, int width, int height, double fps, int segmentFrames,
                       Optional<PersonAction> action, long seed, KeypointNoise noise) {
        if (people < 1 || people > MAX_PEOPLE) {
            throw new IllegalArgumentException("a people scene has 1-" + MAX_PEOPLE + " people, got " + people);
        }
        if (width / people < 32 || height < 32) {
            throw new IllegalArgumentException("each of " + people + " people needs a lane of at least 32x32 pixels;"
                    + " frames of " + width + "x" + height + " are too small");
        }
        if (!(fps > 0) || segmentFrames < 1) {
            throw new IllegalArgumentException("fps and segment frames must be positive, got " + fps + " and "
                    + segmentFrames);
        }
        this.people = people;
        this.width = width;
        this.height = height;
        this.laneWidth = width / people;
        this.fps = fps;
        this.segmentFrames = segmentFrames;
        this.action = Objects.requireNonNull(action, "action");
        this.seed = seed;
        this.estimator = new SimulatedPoseEstimator(noise, laneWidth, height);
        this.lanes = new Lane[people];
        for (int lane = 0; lane < people; lane++) {
            lanes[lane] = new Lane(lane, camera(random(CAMERA, lane, 0)));
        }
    }

    public int people() {
        return people;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double fps() {
        return fps;
    }

    public int segmentFrames() {
        return segmentFrames;
    }

    /** The people the pose estimator reports in frame {@code seq}, best score first. */
    public List<SeenPerson> frame(long seq) {
        List<SeenPerson> seen = new ArrayList<>(people);
        for (Lane lane : lanes) {
            lane.seen(seq).ifPresent(seen::add);
        }
        seen.sort(Comparator.comparingDouble((SeenPerson p) -> -p.score()).thenComparingInt(SeenPerson::lane));
        return seen;
    }

    /** The lane that pixel column {@code x} lies in (the last lane takes what is left of the width). */
    public int laneOf(double x) {
        return (int) Math.max(0, Math.min(people - 1, Math.floor(x / laneWidth)));
    }

    /**
     * The id of the person in {@code lane} at frame {@code seq}, or -1 when nobody is there; a person is there
     * for every frame of their visit's actions, also the few the estimator misses.
     */
    public long personAt(int lane, long seq) {
        Place place = place(lane, seq);
        return actions(lane, place.visit)[place.index] == null ? -1 : place.visit * people + lane;
    }

    /** What the person in {@code lane} does at frame {@code seq}; empty when nobody is there. */
    public Optional<PersonAction> actionAt(int lane, long seq) {
        Place place = place(lane, seq);
        return Optional.ofNullable(actions(lane, place.visit)[place.index]);
    }

    /** Where frame {@code seq} falls for {@code lane}: its segment, visit and index in the visit. */
    private record Place(long segment, long visit, int index) {
    }

    private Place place(int lane, long seq) {
        if (lane < 0 || lane >= people) {
            throw new IllegalArgumentException("lane " + lane + " is not one of the " + people);
        }
        long segment = Math.floorDiv(seq, segmentFrames);
        long shifted = segment + (long) lane * VISIT_SEGMENTS / people;
        return new Place(segment, Math.floorDiv(shifted, VISIT_SEGMENTS),
                (int) Math.floorMod(shifted, VISIT_SEGMENTS));
    }

    /** The first segment of {@code visit} in {@code lane}. */
    private long firstSegment(int lane, long visit) {
        return visit * VISIT_SEGMENTS - (long) lane * VISIT_SEGMENTS / people;
    }

    /**
     * The actions of a visit by index (VISIT_SEGMENTS of them): null for the last, empty segment and for the
     * segments after a fall.
     */
    private PersonAction[] actions(int lane, long visit) {
        PersonAction[] actions = new PersonAction[VISIT_SEGMENTS];
        long first = firstSegment(lane, visit);
        PersonAction previous = null;
        for (int i = 0; i < VISIT_SEGMENTS - 1 && previous != PersonAction.FALL; i++) {
            PersonAction next;
            if (action.isPresent()) {
                next = action.get();
            } else if (previous == PersonAction.SIT_DOWN) {
                next = PersonAction.STAND_UP;
            } else {
                // a visit's last action is not a sit-down: whoever sits down gets up again before leaving
                int choices = i == VISIT_SEGMENTS - 2 ? DRAWN.length - 1 : DRAWN.length;
                next = DRAWN[random(ACTIONS, lane, first + i).nextInt(choices)];
            }
            actions[i] = next;
            previous = next;
        }
        return actions;
    }

    private SplittableRandom random(long purpose, int lane, long segment) {
        long mixed = seed;
        for (long part : new long[] {purpose, lane, segment}) {
            mixed = (mixed ^ part) * 0x9E3779B97F4A7C15L;
            mixed ^= mixed >>> 31;
        }
        return new SplittableRandom(mixed);
    }

    /** A lane's fixed camera on its ground's middle, seeing about {@link #VIEW_HALF_WIDTH} metres either side. */
    private PinholeCamera camera(SplittableRandom random) {
        double fieldOfView = Math.toRadians(random.nextDouble(50, 70));
        double focal = laneWidth / 2.0 / Math.tan(fieldOfView / 2);
        double distance = VIEW_HALF_WIDTH / Math.tan(fieldOfView / 2);
        return new PinholeCamera(new Vector3(0, PELVIS_HEIGHT, 0), random.nextDouble(0, 2 * Math.PI),
                Math.toRadians(random.nextDouble(10, 35)), distance, focal, laneWidth, height);
    }

    /** Where a person is between two motions: the keypoints' mean on the ground, and the heading. */
    private record Stance(double x, double z, double heading) {
    }

    /** One segment of a lane, rendered: its keypoints [frame][joint][x, y, score] in frame pixels, and its end. */
    private record Segment(float[][][] keypoints, Stance end) {
    }

    /** One lane's camera and the segments of its current visit rendered so far, in order. */
    private final class Lane {
        private final int index;
        private final PinholeCamera camera;
        private final List<Segment> rendered = new ArrayList<>();
        private long renderedVisit = Long.MIN_VALUE;
        private BodyProportions body;

        Lane(int index, PinholeCamera camera) {
            this.index = index;
            this.camera = camera;
        }

        Optional<SeenPerson> seen(long seq) {
            Place place = place(index, seq);
            PersonAction[] actions = actions(index, place.visit);
            if (actions[place.index] == null) {
                return Optional.empty();
            }
            if (renderedVisit != place.visit) {
                rendered.clear();
                renderedVisit = place.visit;
                body = BodyProportions.sample(random(BODY, index, place.visit));
            }
            long first = firstSegment(index, place.visit);
            while (rendered.size() <= place.index) {
                int i = rendered.size();
                rendered.add(render(first + i, actions[i], i == 0 ? entry(place.visit) : rendered.get(i - 1).end()));
            }
            float[][] keypoints = rendered.get(place.index).keypoints()[(int) Math.floorMod(seq, segmentFrames)];
            return detection(place.visit * people + index, index, actions[place.index], keypoints);
        }

        /** Where a visit's person appears: near the middle of the lane's ground, facing any way. */
        private Stance entry(long visit) {
            SplittableRandom random = random(ENTRY, index, visit);
            return new Stance(random.nextDouble(-1, 1), random.nextDouble(-1, 1), random.nextDouble(0, 2 * Math.PI));
        }

        private Segment render(long segment, PersonAction what, Stance start) {
            ActionMotion motion = ActionMotion.sample(what, body, segmentFrames / fps, random(MOTION, index, segment));
            Skeleton skeleton = new Skeleton(body);
            Vector3[][] joints = new Vector3[segmentFrames][];
            for (int t = 0; t < segmentFrames; t++) {
                joints[t] = skeleton.joints(motion.at(t / fps));
            }
            Vector3 origin = centre(joints[0]);
            double turn = bestTurn(joints, origin, start, start.heading() - motion.at(0).heading());
            List<PersonView> views = new ArrayList<>(segmentFrames);
            for (Vector3[] frame : joints) {
                views.add(camera.view(placed(frame, origin, start, turn), body.height()));
            }
            float[][][] keypoints = estimator.estimate(views, random(NOISE, index, segment));
            int x0 = index * laneWidth;
            for (float[][] frame : keypoints) {
                for (float[] keypoint : frame) {
                    keypoint[0] += x0;
                }
            }
            Vector3 end = centre(placed(joints[segmentFrames - 1], origin, start, turn));
            double endHeading = motion.at((segmentFrames - 1) / fps).heading() + turn;
            return new Segment(keypoints, new Stance(end.x(), end.z(), endHeading));
        }

        /**
         * Of 16 turns about the motion's start, the one that keeps the most frames wholly in view, then ends nearest
         * the middle of the ground; the turn that keeps the heading the person had ({@code keep}) wins ties.
         */
        private double bestTurn(Vector3[][] joints, Vector3 origin, Stance start, double keep) {
            double best = keep;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < HEADINGS; c++) {
                double turn = keep + 2 * Math.PI * c / HEADINGS;
                int inView = 0;
                for (Vector3[] frame : joints) {
                    if (inView(placed(frame, origin, start, turn))) {
                        inView++;
                    }
                }
                Vector3 end = centre(placed(joints[joints.length - 1], origin, start, turn));
                double score = (double) inView / joints.length - 0.05 * Math.hypot(end.x(), end.z())
                        - (c == 0 ? 0 : 1e-3);
                if (score > bestScore) {
                    bestScore = score;
                    best = turn;
                }
            }
            return best;
        }

        private boolean inView(Vector3[] joints) {
            for (Vector3 joint : joints) {
                double[] p = camera.project(joint);
                if (!(p[2] > 0 && p[0] >= 0 && p[0] < laneWidth && p[1] >= 0 && p[1] < height)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The mean of the keypoints: where one motion hands over to the next. Not the pelvis: a crouching or seated
     * body's pelvis sits behind its knees and arms, and a standing body put at that point would jump aside in the
     * picture.
     */
    private static Vector3 centre(Vector3[] joints) {
        Vector3 sum = Vector3.ZERO;
        for (Vector3 joint : joints) {
            sum = sum.plus(joint);
        }
        return sum.times(1.0 / joints.length);
    }

    /**
     * {@code joints} turned by {@code turn} about the vertical through {@code origin}'s ground point and moved so
     * that point lands on {@code start}'s: a rigid move on the ground, heights unchanged.
     */
    private static Vector3[] placed(Vector3[] joints, Vector3 origin, Stance start, double turn) {
        double c = Math.cos(turn);
        double s = Math.sin(turn);
        Vector3[] placed = new Vector3[joints.length];
        for (int i = 0; i < joints.length; i++) {
            double dx = joints[i].x() - origin.x();
            double dz = joints[i].z() - origin.z();
            // the turn that takes heading h to h + turn (heading 0 faces +z, pi/2 faces +x)
            placed[i] = new Vector3(start.x() + dx * c + dz * s, joints[i].y(), start.z() - dx * s + dz * c);
        }
        return placed;
    }

    /** The estimator's keypoints as a detection: none when too few are confident (a missed detection). */
    private Optional<SeenPerson> detection(long personId, int lane, PersonAction what, float[][] keypoints) {
        float xMin = Float.MAX_VALUE;
        float yMin = Float.MAX_VALUE;
        float xMax = -Float.MAX_VALUE;
        float yMax = -Float.MAX_VALUE;
        int confident = 0;
        double scores = 0;
        for (float[] keypoint : keypoints) {
            scores += keypoint[2];
            if (keypoint[2] >= CONFIDENT) {
                confident++;
                xMin = Math.min(xMin, keypoint[0]);
                yMin = Math.min(yMin, keypoint[1]);
                xMax = Math.max(xMax, keypoint[0]);
                yMax = Math.max(yMax, keypoint[1]);
            }
        }
        if (confident < MIN_CONFIDENT_KEYPOINTS) {
            return Optional.empty();
        }
        // keypoints are joint centres: the body reaches a little beyond them (the head above the eyes, the feet)
        float pad = 0.1f * Math.max(xMax - xMin, yMax - yMin);
        float laneLeft = lane * laneWidth;
        return Optional.of(new SeenPerson(personId, lane, what, (float) Math.min(1, scores / keypoints.length),
                Math.max(laneLeft, xMin - pad), Math.max(0, yMin - pad), Math.min(laneLeft + laneWidth, xMax + pad),
                Math.min(height, yMax + pad), keypoints));
    }
}

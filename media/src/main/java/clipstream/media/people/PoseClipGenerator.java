package clipstream.media.people;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Makes labelled keypoint sequences of one person doing one action: a random body does a random motion of the
 * action, a random camera films it and a simulated pose estimator reports it. Everything follows from the clip's
 * seed; the body, motion, camera and estimator each draw from their own stream split off the seed, so changing the
 * noise leaves the motion and camera of a seed as they were. Datasets are balanced: clip {@code i} shows action
 * {@code i mod 12}.
 */
public final class PoseClipGenerator {
    private final PoseClipSettings settings;
    private final SimulatedPoseEstimator estimator;

    public PoseClipGenerator(PoseClipSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.estimator = new SimulatedPoseEstimator(settings.noise(), settings.width(), settings.height());
    }

    public PoseClipSettings settings() {
        return settings;
    }

    /** Clip {@code index} of the balanced dataset {@code datasetSeed} restricted to {@code split}. */
    public PoseClip datasetClip(long datasetSeed, DatasetSplit split, long index) {
        PersonAction[] actions = PersonAction.values();
        PersonAction action = actions[(int) Math.floorMod(index, (long) actions.length)];
        return generate(action, clipSeed(datasetSeed, split, index));
    }

    /**
     * The seed of clip {@code index} in {@code split}: the first of a sequence of candidate seeds, derived from the
     * dataset seed and the index, that falls in the split. A held-out seed is never a training seed.
     */
    public long clipSeed(long datasetSeed, DatasetSplit split, long index) {
        SplittableRandom candidates = new SplittableRandom(datasetSeed * 0x9E3779B97F4A7C15L + index);
        long seed;
        do {
            seed = candidates.nextLong();
        } while (DatasetSplit.of(seed, settings.heldOutFraction()) != split);
        return seed;
    }

    /** One clip of {@code action} from {@code seed}. */
    public PoseClip generate(PersonAction action, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom bodyRandom = random.split();
        SplittableRandom motionRandom = random.split();
        SplittableRandom cameraRandom = random.split();
        SplittableRandom estimatorRandom = random.split();

        BodyProportions body = BodyProportions.sample(bodyRandom);
        ActionMotion motion = ActionMotion.sample(action, body, settings.clipSeconds(), motionRandom);
        Skeleton skeleton = new Skeleton(body);
        int frames = settings.frames();
        Vector3[][] joints = new Vector3[frames][];
        Vector3 pelvisSum = Vector3.ZERO;
        for (int t = 0; t < frames; t++) {
            joints[t] = skeleton.joints(motion.at(t / settings.fps()));
            pelvisSum = pelvisSum.plus(Vector3.midpoint(joints[t][Joint.LEFT_HIP.ordinal()],
                    joints[t][Joint.RIGHT_HIP.ordinal()]));
        }
        PinholeCamera camera = PinholeCamera.sample(cameraRandom, settings.width(), settings.height(),
                pelvisSum.times(1.0 / frames));
        List<PersonView> views = new ArrayList<>(frames);
        double[][][] world = new double[frames][Joint.COUNT][];
        for (int t = 0; t < frames; t++) {
            views.add(camera.view(joints[t], body.height()));
            for (int j = 0; j < Joint.COUNT; j++) {
                Vector3 p = joints[t][j];
                world[t][j] = new double[] {p.x(), p.y(), p.z()};
            }
        }
        float[][][] keypoints = estimator.estimate(views, estimatorRandom);
        return new PoseClip(seed, action, DatasetSplit.of(seed, settings.heldOutFraction()), settings.fps(), body,
                motion, camera, world, keypoints);
    }
}

package clipstream.model.data;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.Joint;
import clipstream.media.people.KeypointNoise;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClip;
import clipstream.media.people.PoseClipGenerator;
import clipstream.media.people.PoseClipSettings;
import clipstream.model.pose.KeypointClips;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Generated people doing the {@link PersonAction}s, as keypoint clips normalised to each person's clip box: the
 * training and held-out data of pose-based action models. Clip {@code i} of a split shows action {@code i mod 12};
 * the held-out split's seeds are never training seeds ({@link DatasetSplit}).
 */
public final class PeopleDataset {
    private PeopleDataset() {
    }

    /** Salt of the stream a clip's randomised noise is drawn from (apart from its body, motion and camera). */
    private static final long NOISE_SALT = 0x2F0C4A1B6D3E5977L;

    /**
     * Like {@link #generate}, but each clip seen through a pose estimator of its own: a {@link KeypointNoise} drawn
     * per clip (from the clip's seed, so the data are reproducible) over ranges around the values measured on real
     * footage ({@link KeypointNoise#DEFAULTS}). Real pose models differ from any single setting: scores calibrated
     * differently (0.46 on small people, higher on large ones, or 1.0 from an edge device that reports none), joints
     * misplaced with ordinary scores, left/right flips; a model trained on one setting learns that setting
     * (domain randomisation makes it learn the motion instead).
     */
    public static KeypointDataset generateWithRandomisedNoise(PoseClipSettings settings, int clipsPerClass, long seed,
                                                              DatasetSplit split) {
        PoseClipGenerator base = new PoseClipGenerator(settings);
        PersonAction[] actions = PersonAction.values();
        int count = clipsPerClass * actions.length;
        float[][] clips = new float[count][];
        int[] labels = new int[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            long clipSeed = base.clipSeed(seed, split, i);
            PersonAction action = actions[i % actions.length];
            KeypointNoise noise = randomNoise(new SplittableRandom(clipSeed ^ NOISE_SALT));
            PoseClip clip = new PoseClipGenerator(settings.withNoise(noise)).generate(action, clipSeed);
            clips[i] = KeypointClips.normalise(clip.keypoints());
            labels[i] = action.ordinal();
        });
        return new KeypointDataset(PersonAction.labels(), settings.frames(), Joint.COUNT, clips, labels);
    }

    /**
     * A pose estimator's errors drawn around the measured ones: jitter 0.1–0.6 (measured 0.15 on a still person,
     * wrists 0.4; people walking on real footage jitter more: smoothing their keypoints over 3 frames turns real
     * walkers' {@code jump}s into {@code walk}s, docs/benchmarks.md), carried 0.2–0.9 into the next frame, scores
     * 0.35–0.85 ± 0.05–0.15, lost joints 0.1–6 % of the time with scores up to 0.2–0.5 (real models misplace joints
     * with ordinary scores) and displaced by 5–20 % of the person's height, left/right swaps 0–5 % of frames, missed
     * frames 0–30 % (real tracks behind others miss up to half their frames).
     */
    public static KeypointNoise randomNoise(SplittableRandom random) {
        KeypointNoise measured = KeypointNoise.DEFAULTS;
        return new KeypointNoise(random.nextDouble(0.1, 0.6), random.nextDouble(0.2, 0.9),
                random.nextDouble(0.35, 0.85), random.nextDouble(0.05, 0.15), random.nextDouble(0.2, 0.5),
                random.nextDouble(0.001, 0.06), measured.hiddenDropoutFactor(), measured.smallPersonPixels(),
                random.nextDouble(0.05, 0.2), random.nextDouble(0, 0.05), random.nextDouble(0, 0.3),
                measured.outOfFrameScore());
    }

    /** {@code clipsPerClass} clips of each action from {@code split} of the dataset {@code seed}. */
    public static KeypointDataset generate(PoseClipGenerator generator, int clipsPerClass, long seed,
                                           DatasetSplit split) {
        int actions = PersonAction.values().length;
        int count = clipsPerClass * actions;
        float[][] clips = new float[count][];
        int[] labels = new int[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            PoseClip clip = generator.datasetClip(seed, split, i);
            clips[i] = KeypointClips.normalise(clip.keypoints());
            labels[i] = clip.action().ordinal();
        });
        return new KeypointDataset(PersonAction.labels(), generator.settings().frames(), Joint.COUNT, clips, labels);
    }
}

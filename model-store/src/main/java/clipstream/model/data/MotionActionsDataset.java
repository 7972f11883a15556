package clipstream.model.data;

import clipstream.media.synthetic.MotionAction;
import clipstream.media.synthetic.SceneRenderer;

import java.util.SplittableRandom;

/** Generates a balanced, seeded set of motion-actions clips for training and evaluation. */
public final class MotionActionsDataset {
    private MotionActionsDataset() {
    }

    /** {@code clipsPerClass} clips of every action, shuffled with {@code seed}; deterministic. */
    public static ClipDataset generate(int clipsPerClass, int frames, int height, int width, long seed) {
        MotionAction[] actions = MotionAction.values();
        int count = clipsPerClass * actions.length;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % actions.length;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = labels[i];
            labels[i] = labels[j];
            labels[j] = swap;
        }
        SceneRenderer renderer = new SceneRenderer(width, height);
        byte[][] clips = new byte[count][];
        long[] seeds = random.longs(count).toArray();
        java.util.stream.IntStream.range(0, count).parallel()
                .forEach(i -> clips[i] = renderer.render(actions[labels[i]], frames, seeds[i]));
        return new ClipDataset(MotionAction.labels(), frames, height, width, clips, labels);
    }
}

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

    /**
     * Like {@link #generate}, each clip with {@code context} frames before it, as a stream model sees a clip in the
     * middle of a camera's video: for half the clips the same action going on (one scene rendered over
     * {@code context + frames} frames), for the other half another action's scene that cuts to the clip's (two scenes,
     * as the synthetic cameras change segments). The label is the last {@code frames} frames' action.
     */
    public static ClipDataset generateWithContext(int clipsPerClass, int context, int frames, int height, int width,
                                                  long seed) {
        ClipDataset clips = generate(clipsPerClass, frames, height, width, seed);
        MotionAction[] actions = MotionAction.values();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int count = clips.size();
        boolean[] cut = new boolean[count];
        int[] before = new int[count];
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            cut[i] = random.nextBoolean();
            before[i] = (clips.labels()[i] + 1 + random.nextInt(actions.length - 1)) % actions.length;
            seeds[i] = random.nextLong();
        }
        SceneRenderer renderer = new SceneRenderer(width, height);
        int frameBytes = height * width * 3;
        byte[][] withContext = new byte[count][];
        java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
            MotionAction action = actions[clips.labels()[i]];
            if (cut[i]) {
                byte[] video = new byte[(context + frames) * frameBytes];
                System.arraycopy(renderer.render(actions[before[i]], context, seeds[i]), 0, video, 0,
                        context * frameBytes);
                System.arraycopy(clips.clips()[i], 0, video, context * frameBytes, frames * frameBytes);
                withContext[i] = video;
            } else {
                withContext[i] = renderer.render(action, context + frames, seeds[i]);
            }
        });
        return new ClipDataset(MotionAction.labels(), context + frames, height, width, withContext, clips.labels());
    }
}

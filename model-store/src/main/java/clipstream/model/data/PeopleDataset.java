package clipstream.model.data;

import clipstream.media.people.DatasetSplit;
import clipstream.media.people.Joint;
import clipstream.media.people.PersonAction;
import clipstream.media.people.PoseClip;
import clipstream.media.people.PoseClipGenerator;
import clipstream.model.pose.KeypointClips;
import java.util.stream.IntStream;

/**
 * Generated people doing the {@link PersonAction}s, as keypoint clips normalised to each person's clip box: the
 * training and held-out data of pose-based action models. Clip {@code i} of a split shows action {@code i mod 12};
 * the held-out split's seeds are never training seeds ({@link DatasetSplit}).
 */
public final class PeopleDataset {
    private PeopleDataset() {
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

package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;

/**
 * What the people path does with each tracked person, when a people model is set: clips of {@code clipLength} pose
 * frames (the model's, from its manifest) every {@code stride} pose frames, a person missing from up to
 * {@code maxGap} pose frames in a row filled as lost (more ends their unfinished clip), each clip classified by
 * {@code model} (a keypoint model such as {@code posec3d-small}; same store, device and threads as the action model)
 * and its event written with the person's track and box.
 *
 * @param model      the people model's settings (name, version or CURRENT, watch)
 * @param clipLength pose frames per clip: the model's input frames
 * @param stride     pose frames between the starts of consecutive clips of one person
 * @param maxGap     pose frames in a row a person may be missing from their clip
 */
public record PersonActionSettings(ModelSettings model, int clipLength, int stride, int maxGap)
        implements Serializable {

    public static final int DEFAULT_STRIDE = 16;
    public static final int DEFAULT_MAX_GAP = 8;

    public PersonActionSettings {
        require(model != null, "the people model's settings are missing");
        require(clipLength >= 2, "a person's clip needs at least 2 pose frames, got " + clipLength);
        require(stride >= 1 && stride <= clipLength,
                "--person-clip-stride must be within 1.." + clipLength + " (the clip length), got " + stride);
        require(maxGap >= 0 && maxGap < clipLength,
                "--person-max-gap must be within 0.." + (clipLength - 1) + ", got " + maxGap);
    }
}

package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;

/**
 * The people path, when on: which pose model finds the people in a frame (from the same store as the action model)
 * and at what input size, how often a camera's frames go through it, which detections count, how people are
 * followed from frame to frame, and where the poses go.
 *
 * @param poseModel      the pose model's name in the store (the path is on when this is set)
 * @param poseVersion    its version; null: the store's CURRENT when the job starts
 * @param poseInput      the side of the model's square input in pixels, a multiple of 32; 0: the manifest's
 * @param poseEvery      a frame goes through the pose model when its seq is a multiple of this (5: 5 poses/s from
 *                       a 25 fps camera), so the choice is the same on every run and replay
 * @param minPersonScore the lowest detection score reported
 * @param trackMinIou    the least box overlap (intersection over union) that continues a track
 * @param trackBirthHits frames in a row that confirm a new track
 * @param trackDeathMisses posed frames without the person after which a track ends
 * @param maxTracks      tracks per camera at most
 * @param posesTopic     the Kafka topic of the {@code PersonPoses} records
 * @param idleTimeout    a camera without a frame this long loses its tracks
 */
public record PeopleSettings(
        String poseModel,
        String poseVersion,
        int poseInput,
        int poseEvery,
        float minPersonScore,
        float trackMinIou,
        int trackBirthHits,
        int trackDeathMisses,
        int maxTracks,
        String posesTopic,
        Duration idleTimeout) implements Serializable {

    public static final int DEFAULT_POSE_EVERY = 5;
    public static final float DEFAULT_MIN_PERSON_SCORE = 0.25f;

    public PeopleSettings {
        require(poseModel != null && !poseModel.isBlank(), "--pose-model must name a pose model in the store");
        require(poseInput == 0 || poseInput >= 32 && poseInput <= 1024 && poseInput % 32 == 0,
                "--pose-input must be a multiple of 32 from 32 to 1024 (or 0 for the model's), got " + poseInput);
        require(poseEvery >= 1, "--pose-every must be at least 1, got " + poseEvery);
        require(minPersonScore >= 0 && minPersonScore <= 1,
                "--min-person-score must be within 0-1, got " + minPersonScore);
        require(trackMinIou > 0 && trackMinIou <= 1, "the tracks' minimum overlap must be within (0, 1], got "
                + trackMinIou);
        require(trackBirthHits >= 1 && trackDeathMisses >= 0 && maxTracks >= 1,
                "track birth hits >= 1, death misses >= 0 and --max-tracks >= 1, got " + trackBirthHits + ", "
                        + trackDeathMisses + ", " + maxTracks);
        require(posesTopic != null && !posesTopic.isBlank(), "--poses-topic must name a topic");
        require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(),
                "--idle-timeout must be positive, got " + idleTimeout);
    }

    /** The path with the usual tracking: confirmed after 3 posed frames, ended after 10 without the person. */
    public static PeopleSettings of(String poseModel, String poseVersion, int poseInput, int poseEvery,
                                    float minPersonScore, int maxTracks, String posesTopic, Duration idleTimeout) {
        return new PeopleSettings(poseModel, poseVersion, poseInput, poseEvery, minPersonScore, 0.3f, 3, 10,
                maxTracks, posesTopic, idleTimeout);
    }
}

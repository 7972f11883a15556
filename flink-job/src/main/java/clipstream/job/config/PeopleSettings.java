package clipstream.job.config;

import static clipstream.job.config.ConfigException.require;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The people path, when on: where its poses come from ({@link PeopleInput}: the job's pose model on frames, or edge
 * devices' poses), for frames which pose model finds the people in a frame (from the same store as the action
 * model), at what input size, how often a camera's frames go through it and which detections count; how people are
 * followed from frame to frame, and where the tracked poses go.
 *
 * @param input          frames (the job's pose model) or edge (edge devices' {@code PersonPoses} records)
 * @param poseModel      the pose model's name in the store; set exactly when the input is frames
 * @param poseVersion    its version; null: the store's CURRENT when the job starts
 * @param poseInput      the side of the model's square input in pixels, a multiple of 32; 0: the manifest's
 * @param poseEvery      a frame goes through the pose model when its seq is a multiple of this (3: 8.3 poses/s from
 *                       a 25 fps camera), so the choice is the same on every run and replay; 0 with {@code poseFps}
 * @param poseFps        instead of {@code poseEvery}: a camera's frames go through the pose model this many times a
 *                       second by capture time, whatever the camera's frame rate (the first frame of each 1/poseFps
 *                       slot, chosen per camera in checkpointed state); 0: by seq with {@code poseEvery}
 * @param minPersonScore the lowest detection score reported
 * @param minKeypointScore keypoints the pose model scores below this are reported lost (score 0); 0: as scored
 * @param trackMinIou    the least box overlap (intersection over union) that continues a track
 * @param trackBirthHits frames in a row that confirm a new track
 * @param trackDeathMisses posed frames without the person after which a track ends
 * @param maxTracks      tracks per camera at most
 * @param posesTopic     the Kafka topic of the tracked {@code PersonPoses} records the job writes
 * @param edgePosesTopic the Kafka topic of the edge devices' {@code PersonPoses} records, read with the edge input;
 *                       never the poses topic: the job would read its own output, and edge track ids would mix with
 *                       its own
 * @param idleTimeout    a camera without a frame this long loses its tracks
 */
public record PeopleSettings(
        PeopleInput input,
        String poseModel,
        String poseVersion,
        int poseInput,
        int poseEvery,
        double poseFps,
        float minPersonScore,
        float minKeypointScore,
        float trackMinIou,
        int trackBirthHits,
        int trackDeathMisses,
        int maxTracks,
        String posesTopic,
        String edgePosesTopic,
        Duration idleTimeout) implements Serializable {

    public static final int DEFAULT_POSE_EVERY = 3;
    public static final float DEFAULT_MIN_PERSON_SCORE = 0.2f;
    /** The highest {@code --pose-fps}: one pose frame per millisecond of capture time, the resolution of the times. */
    public static final double MAX_POSE_FPS = 1000;
    /**
     * The pose model's input side where people are small: on real CCTV (people 60-130 px tall in 768x576 frames)
     * MoveNet finds 4.1 people a frame at 384 and 0.7 at its own 256 (model-store/README.md).
     */
    public static final int DEFAULT_POSE_INPUT = 384;

    public PeopleSettings {
        require(input != null, "--people-input must be frames or edge");
        if (input == PeopleInput.FRAMES) {
            require(poseModel != null && !poseModel.isBlank(), "--pose-model must name a pose model in the store");
        } else {
            require(poseModel == null, "--pose-model " + poseModel + " is for --people-input frames: with"
                    + " --people-input edge the edge devices run pose estimation and the job runs no pose model");
        }
        require(poseInput == 0 || poseInput >= 32 && poseInput <= 1024 && poseInput % 32 == 0,
                "--pose-input must be a multiple of 32 from 32 to 1024 (or 0 for the model's), got " + poseInput);
        require(Double.isFinite(poseFps) && poseFps >= 0 && poseFps <= MAX_POSE_FPS,
                "--pose-fps must be above 0 and at most " + (int) MAX_POSE_FPS + ", got " + poseFps);
        if (poseFps > 0) {
            require(poseEvery == 0, "--pose-fps and --pose-every are mutually exclusive (got --pose-fps " + poseFps
                    + " and --pose-every " + poseEvery + "): give --pose-fps to pose a camera's frames that many times"
                    + " a second by capture time, or --pose-every to pose the frames whose seq is a multiple of it");
        } else {
            require(poseEvery >= 1, "--pose-every must be at least 1, got " + poseEvery);
        }
        require(minPersonScore >= 0 && minPersonScore <= 1,
                "--min-person-score must be within 0-1, got " + minPersonScore);
        require(minKeypointScore >= 0 && minKeypointScore <= 1,
                "--min-keypoint-score must be within 0-1, got " + minKeypointScore);
        require(trackMinIou > 0 && trackMinIou <= 1, "the tracks' minimum overlap must be within (0, 1], got "
                + trackMinIou);
        require(trackBirthHits >= 1 && trackDeathMisses >= 0 && maxTracks >= 1,
                "track birth hits >= 1, death misses >= 0 and --max-tracks >= 1, got " + trackBirthHits + ", "
                        + trackDeathMisses + ", " + maxTracks);
        require(posesTopic != null && !posesTopic.isBlank(), "--poses-topic must name a topic");
        if (input == PeopleInput.EDGE) {
            require(edgePosesTopic != null && !edgePosesTopic.isBlank(), "--edge-poses-topic must name a topic");
            require(!edgePosesTopic.equals(posesTopic), "--edge-poses-topic and --poses-topic must differ (both are "
                    + posesTopic + "): the job would read its own tracked poses back, and the edge devices' track ids"
                    + " would mix with its own");
        }
        require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(),
                "--idle-timeout must be positive, got " + idleTimeout);
    }

    /**
     * The path on frames with the usual tracking: confirmed after 3 posed frames, ended after 10 without the person.
     */
    public static PeopleSettings of(String poseModel, String poseVersion, int poseInput, int poseEvery,
                                    float minPersonScore, int maxTracks, String posesTopic, Duration idleTimeout) {
        return new PeopleSettings(PeopleInput.FRAMES, poseModel, poseVersion, poseInput, poseEvery, 0,
                minPersonScore, 0, 0.3f, 3, 10, maxTracks, posesTopic, null, idleTimeout);
    }

    /**
     * These settings with each camera's frames posed {@code fps} times a second by capture time instead of by seq
     * ({@code poseEvery} becomes 0).
     */
    public PeopleSettings withPoseFps(double fps) {
        require(Double.isFinite(fps) && fps > 0 && fps <= MAX_POSE_FPS,
                "--pose-fps must be above 0 and at most " + (int) MAX_POSE_FPS + ", got " + fps);
        return new PeopleSettings(input, poseModel, poseVersion, poseInput, 0, fps, minPersonScore, minKeypointScore,
                trackMinIou, trackBirthHits, trackDeathMisses, maxTracks, posesTopic, edgePosesTopic, idleTimeout);
    }

    /** These settings with keypoints the pose model scores below {@code score} reported lost (score 0). */
    public PeopleSettings withMinKeypointScore(float score) {
        return new PeopleSettings(input, poseModel, poseVersion, poseInput, poseEvery, poseFps, minPersonScore, score,
                trackMinIou, trackBirthHits, trackDeathMisses, maxTracks, posesTopic, edgePosesTopic, idleTimeout);
    }

    /** Whether frames are chosen for the pose model by capture time ({@code --pose-fps}) rather than by seq. */
    public boolean posesByTime() {
        return poseFps > 0;
    }

    /** The path on edge devices' poses from {@code edgePosesTopic}, with the usual tracking. */
    public static PeopleSettings edge(String edgePosesTopic, int maxTracks, String posesTopic, Duration idleTimeout) {
        return new PeopleSettings(PeopleInput.EDGE, null, null, 0, DEFAULT_POSE_EVERY, 0, DEFAULT_MIN_PERSON_SCORE, 0,
                0.3f, 3, 10, maxTracks, posesTopic, edgePosesTopic, idleTimeout);
    }

    /**
     * Fails when a topic of this path is also one of the job's other topics: reading the frames topic as edge poses
     * (or writing poses into it) would dead-letter every record as of an unknown schema.
     */
    public void requireTopicsApartFrom(KafkaSettings kafka) {
        Map<String, String> others = Map.of(kafka.framesTopic(), "--frames-topic", kafka.eventsTopic(),
                "--events-topic", kafka.deadLetterTopic(), "--dlq-topic");
        require(!others.containsKey(posesTopic), "--poses-topic " + posesTopic + " is also " + others.get(posesTopic)
                + ": every topic of the job must be its own");
        if (input == PeopleInput.EDGE) {
            require(!others.containsKey(edgePosesTopic), "--edge-poses-topic " + edgePosesTopic + " is also "
                    + others.get(edgePosesTopic) + ": every topic of the job must be its own");
        }
    }
}

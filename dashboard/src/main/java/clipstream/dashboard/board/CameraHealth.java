package clipstream.dashboard.board;

import java.util.Map;

/**
 * A camera's health, sent with every update (it changes with time alone).
 *
 * @param framesPerSecond frames on the frames topic per second, by their timestamps, over the last 5 s
 * @param posesPerSecond  the same for the poses topic
 * @param lastInput       the latest frame's or poses' timestamp (epoch ms), -1: none
 * @param partition       the camera's frames partition, -1: no frame seen
 * @param jobLag          records of that partition the job has not committed yet, -1: unknown
 * @param dropped         frames skipped in the camera's seq on the topic (gaps), since the dashboard started
 * @param deadLetters     dead letters by reason whose key is this camera
 */
public record CameraHealth(String id, HealthState state, double framesPerSecond, double posesPerSecond,
                           long lastInput, int partition, long jobLag, long dropped, Map<String, Long> deadLetters) {
}

package clipstream.alerts.engine;

import java.util.Map;

/**
 * What the engine keeps of one camera for the camera health rules, as plain data: {@code lastHeard}, the wall-clock
 * time (epoch ms) the consumer applied the camera's latest event at, that event's id and {@code end_time}, and the
 * state of each health rule watching the camera, by rule name.
 */
public record CameraHealthSnapshot(long lastHeard, String lastEventId, long lastEventEnd,
                                   Map<String, HealthTrackSnapshot> rules) {
    public CameraHealthSnapshot {
        rules = Map.copyOf(rules);
    }
}

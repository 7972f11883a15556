package clipstream.alerts.engine;

/** What a camera health rule last said of a camera: nothing yet or recovered (LIVE), OFFLINE or DEGRADED. */
public enum CameraCondition {
    LIVE, OFFLINE, DEGRADED
}

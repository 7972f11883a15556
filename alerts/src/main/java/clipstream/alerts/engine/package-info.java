/**
 * The rule engine: per camera and rule — per person and rule for person events — decides from the ordered stream of
 * clip events when an alert is raised, and when a camera (or a person) silent for the camera expiry is forgotten
 * (event time, one clock per input partition), and, for the camera health rules, when a camera has gone offline,
 * slowed down or recovered ({@link clipstream.alerts.engine.CameraHealthWatch}: wall clock for silence, event time
 * for frame rates).
 * Pure logic, no I/O: {@link clipstream.alerts.engine.RuleEngine} takes events and returns alerts, and its
 * per-camera state is exported as {@link clipstream.alerts.engine.CameraSnapshot}, changes and forgotten cameras as
 * {@link clipstream.alerts.engine.StateChange}, so the pipeline can store them next to the alerts, in the same
 * Kafka transaction (see {@code clipstream.alerts.state}).
 */
package clipstream.alerts.engine;

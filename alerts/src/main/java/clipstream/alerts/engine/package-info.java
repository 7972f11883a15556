/**
 * The rule engine: per camera and rule, decides from the ordered stream of clip events when an alert is raised.
 * Pure logic, no I/O: {@link clipstream.alerts.engine.RuleEngine} takes events and returns alerts, and its
 * per-camera state is exported as {@link clipstream.alerts.engine.CameraSnapshot} so the pipeline can store it
 * next to the alerts, in the same Kafka transaction (see {@code clipstream.alerts.state}).
 */
package clipstream.alerts.engine;

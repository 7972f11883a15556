/**
 * Where rule state lives so that it survives a restart: a compacted Kafka topic (default {@code alerts-state}),
 * one record per camera (key: camera id, value: the engine's {@link clipstream.alerts.engine.CameraSnapshot} as
 * JSON), written <em>in the same transaction</em> as the alerts the state led to and the consumer offsets of the
 * events it has seen. So the stored state, the alerts and the offsets always describe the same point of the input:
 * after a crash, the aborted transaction takes all three away together and the restart replays exactly the events
 * after the stored state — no alert is lost or repeated, streaks and cooldowns continue where they were.
 *
 * <p>State for the camera events of input partition {@code p} is written to partition {@code p} of the state topic
 * (it has at least as many partitions as the input), so the instance that is assigned {@code p} restores exactly
 * that partition, as Kafka Streams does with its changelogs. Rebuilding from the alerts topic was not chosen: alerts
 * hold cooldowns but neither unfinished streaks nor the ids needed to deduplicate.
 *
 * <p>The JSON here is private to the alerting consumer (nothing else reads the state topic); it is not part of the
 * pipeline's wire contract in {@code schemas/}.
 */
package clipstream.alerts.state;

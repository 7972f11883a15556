/**
 * Where rule state lives so that it survives a restart: a compacted Kafka topic (default {@code alerts-state}),
 * one record per camera (key: camera id, value: the engine's {@link clipstream.alerts.engine.CameraSnapshot} as
 * JSON), written <em>in the same transaction</em> as the alerts the state led to and the consumer offsets of the
 * events it has seen. So the stored state, the alerts and the offsets always describe the same point of the input:
 * after a crash, the aborted transaction takes all three away together and the restart replays exactly the events
 * after the stored state — no alert is lost or repeated, streaks and cooldowns continue where they were.
 *
 * <p>A camera the engine forgets (no event for {@code --camera-expiry} of event time, see
 * {@link clipstream.alerts.engine.RuleEngine}) gets a tombstone — a null value under its key — in the transaction
 * of the batch whose events decided it, so compaction removes it from the topic and a restart restores exactly the
 * cameras that were held. The topic therefore holds about one record per camera seen within the expiry, plus
 * whatever compaction has not cleaned yet (the active segment, 16 MiB or one hour when the consumer created the topic;
 * tombstones stay {@code delete.retention.ms}).
 *
 * <p>State for the camera events of input partition {@code p} is written to partition {@code p} of the state topic
 * (it has at least as many partitions as the input), so the instance that is assigned {@code p} restores exactly
 * that partition, as Kafka Streams does with its changelogs. Rebuilding from the alerts topic was not chosen: alerts
 * hold cooldowns but neither unfinished streaks nor the ids needed to deduplicate.
 *
 * <p>The JSON here is private to the alerting consumer (nothing else reads the state topic); it is not part of the
 * pipeline's wire contract in {@code schemas/}. It evolves by adding fields with a default: a snapshot without
 * {@code lastEventTime} (written before cameras expired) still reads, with the default null, and one without
 * {@code health} (written before camera health rules, or of a camera none watches; the field is then left out)
 * reads with none.
 *
 * <p>A camera health rule's condition (offline, degraded) is stored in the camera's snapshot, in the transaction of
 * the alert that announced it: a restart restores it and does not announce it again.
 */
package clipstream.alerts.state;

/** Getting frames into Kafka: the bounded per-camera buffer and its overflow policy, the frame size guard, the idempotent producer, and each camera's last seq read back from the topic. */
package clipstream.ingest.publish;

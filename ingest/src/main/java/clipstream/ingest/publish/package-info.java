/** Getting frames into Kafka: the bounded per-camera buffer and its overflow policy, the frame size guard, the idempotent producer. */
package clipstream.ingest.publish;

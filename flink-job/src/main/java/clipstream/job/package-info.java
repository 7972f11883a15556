/** The streaming job: Kafka frames to per-camera clips to batched Conv3D inference to labelled events. */
package clipstream.job;

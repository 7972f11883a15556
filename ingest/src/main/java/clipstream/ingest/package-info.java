/**
 * Camera stream ingestion: video files, RTSP/HTTP streams, image folders and synthetic cameras to Avro frames on
 * Kafka. The flow: {@code source} (read and decode) → {@code pacing} (resample, real time) → {@code encode}
 * (RGB24/JPEG pixels) → {@code publish} (bounded buffer, size guard, idempotent producer), wired per camera by
 * {@code run} and driven from the command line by {@code cli}.
 */
package clipstream.ingest;

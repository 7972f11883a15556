/** Camera stream ingestion: video files, RTSP/HTTP streams and synthetic cameras to Avro frames on Kafka. */
package clipstream.ingest;

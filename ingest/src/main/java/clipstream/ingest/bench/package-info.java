/** On-demand ingest throughput benchmark (frames/s into Kafka). */
package clipstream.ingest.bench;

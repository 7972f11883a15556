/** Running cameras: per-camera threads, settings, live counters, progress lines and the end-of-run summary; the programmatic API (IngestRunner). */
package clipstream.ingest.run;

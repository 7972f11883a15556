/** When frames go out: frame-rate resampling, real-time pacing and the stop signal that cuts waits short. */
package clipstream.ingest.pacing;

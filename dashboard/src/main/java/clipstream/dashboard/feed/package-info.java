/**
 * Kafka into the board: one read_committed consumer of the dashboard's own group over the frames (sampled for
 * thumbnails), events, poses, alerts and dead-letter topics, and a probe of the job's consumer lag.
 */
package clipstream.dashboard.feed;

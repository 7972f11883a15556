/** The people path's per-camera logic: person tracks from one frame's detections to the next. */
package clipstream.job.people;

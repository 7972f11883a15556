/**
 * Procedural people for training pose-based action models: a 3D skeleton of the 17 COCO keypoints, parametric
 * motions of twelve actions, a pinhole camera and a simulated pose estimator's errors, put together into labelled
 * keypoint sequences ({@link clipstream.media.people.PoseClipGenerator}).
 */
package clipstream.media.people;

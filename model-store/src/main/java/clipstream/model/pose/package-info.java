/** Pose models: people and their 17 keypoints from a frame (MoveNet MultiPose imported from TF.js), served on DJL. */
package clipstream.model.pose;

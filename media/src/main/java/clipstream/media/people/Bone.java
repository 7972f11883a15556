package clipstream.media.people;

import java.util.List;

/** A line between two keypoints, as a pose model's skeleton draws it. */
public record Bone(Joint from, Joint to) {

    /** The 18 edges MoveNet's own demos draw between the COCO keypoints. */
    public static final List<Bone> MOVENET_EDGES = List.of(
            new Bone(Joint.NOSE, Joint.LEFT_EYE), new Bone(Joint.NOSE, Joint.RIGHT_EYE),
            new Bone(Joint.LEFT_EYE, Joint.LEFT_EAR), new Bone(Joint.RIGHT_EYE, Joint.RIGHT_EAR),
            new Bone(Joint.NOSE, Joint.LEFT_SHOULDER), new Bone(Joint.NOSE, Joint.RIGHT_SHOULDER),
            new Bone(Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW), new Bone(Joint.LEFT_ELBOW, Joint.LEFT_WRIST),
            new Bone(Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW), new Bone(Joint.RIGHT_ELBOW, Joint.RIGHT_WRIST),
            new Bone(Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER), new Bone(Joint.LEFT_SHOULDER, Joint.LEFT_HIP),
            new Bone(Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP), new Bone(Joint.LEFT_HIP, Joint.RIGHT_HIP),
            new Bone(Joint.LEFT_HIP, Joint.LEFT_KNEE), new Bone(Joint.LEFT_KNEE, Joint.LEFT_ANKLE),
            new Bone(Joint.RIGHT_HIP, Joint.RIGHT_KNEE), new Bone(Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE));
}

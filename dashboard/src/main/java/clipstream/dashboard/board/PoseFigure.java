package clipstream.dashboard.board;

import clipstream.schema.Keypoint;
import clipstream.schema.Person;
import clipstream.schema.PersonPoses;
import java.util.List;

/**
 * One person of a camera's latest poses, as the page draws them: track, box and the 17 COCO keypoints flattened to
 * x, y, score triples.
 */
public record PoseFigure(long trackId, float score, float[] box, float[] keypoints) {

    /** All people of one pose frame, with the frame's size (the page scales them onto the tile). */
    public record Frame(long seq, long captureTime, int width, int height, List<PoseFigure> people) {
        static Frame of(PersonPoses poses) {
            return new Frame(poses.getSeq(), poses.getCaptureTime().toEpochMilli(), poses.getWidth(),
                    poses.getHeight(), poses.getPeople().stream().map(PoseFigure::of).toList());
        }
    }

    static PoseFigure of(Person person) {
        List<Keypoint> points = person.getKeypoints();
        float[] flat = new float[points.size() * 3];
        for (int i = 0; i < points.size(); i++) {
            Keypoint point = points.get(i);
            flat[3 * i] = point.getX();
            flat[3 * i + 1] = point.getY();
            flat[3 * i + 2] = point.getScore();
        }
        return new PoseFigure(person.getTrackId(), person.getScore(),
                new float[] {person.getXMin(), person.getYMin(), person.getXMax(), person.getYMax()}, flat);
    }
}

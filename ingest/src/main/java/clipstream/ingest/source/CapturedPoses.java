package clipstream.ingest.source;

import clipstream.media.people.PeopleScene;
import java.util.List;

/**
 * One frame's people as an edge device's pose estimation reports them: everyone seen, in a frame of
 * {@code width}×{@code height} pixels, and when it was taken in microseconds of media time from the camera's first
 * frame.
 */
public record CapturedPoses(List<PeopleScene.SeenPerson> people, int width, int height, long timeMicros) {
}

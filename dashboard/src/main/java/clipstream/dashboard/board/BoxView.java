package clipstream.dashboard.board;

import clipstream.schema.PersonBox;

/** A person's box in pixels of the camera's frames, as the page draws it. */
public record BoxView(float xMin, float yMin, float xMax, float yMax, int frameWidth, int frameHeight) {
    static BoxView of(PersonBox box) {
        return box == null ? null : new BoxView(box.getXMin(), box.getYMin(), box.getXMax(), box.getYMax(),
                box.getFrameWidth(), box.getFrameHeight());
    }
}

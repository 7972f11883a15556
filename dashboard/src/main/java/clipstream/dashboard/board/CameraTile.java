package clipstream.dashboard.board;

import java.util.List;

/**
 * What a camera's tile shows beyond its health: the thumbnail's version (the page fetches the image when it
 * changes; 0: none yet) and size, the latest whole-frame label, the latest poses and each person's latest label.
 */
public record CameraTile(String id, long thumbnailVersion, int thumbnailWidth, int thumbnailHeight,
                         long thumbnailCaptureTime, EventView event, PoseFigure.Frame people,
                         List<EventView> personEvents) {
}

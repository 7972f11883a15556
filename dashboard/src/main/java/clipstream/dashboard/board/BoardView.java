package clipstream.dashboard.board;

import java.util.List;

/**
 * One update for the page: everything ({@code full}) or what changed since the version the page has.
 *
 * @param version  the board's version this view is at: the next request asks for changes since it
 * @param now      the dashboard's clock (epoch ms) when the view was made
 * @param full     whether this replaces what the page holds (cameras and alerts) instead of adding to it
 * @param cameras  tiles changed since the version asked for (all with {@code full})
 * @param health   every camera's health, in the board's order (cameras missing from it were dropped)
 * @param alerts   alerts newer than the version asked for, newest first
 */
public record BoardView(long version, long now, boolean full, List<CameraTile> cameras, List<CameraHealth> health,
                        List<AlertEntry> alerts, List<ModelEntry> models, List<ModelChange> modelChanges,
                        FeedTotals totals) {
}

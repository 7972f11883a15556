package clipstream.dashboard.board;

/**
 * A model the job serves, as its events say.
 *
 * @param people      whether its events are people's (they carry a track)
 * @param since       when its events first carried this version (the dashboard's clock, epoch ms)
 * @param lastEventAt when its latest event was read
 */
public record ModelEntry(String name, String version, boolean people, long since, long lastEventAt) {
}

package clipstream.dashboard;

/**
 * The dashboard's own cost since it started ({@code /api/stats}).
 *
 * @param uptimeMs         since start
 * @param feedCpuMs        CPU time of the feed thread: the Kafka consumer and the handling of what it reads
 * @param feedHandlingMs   of that, the time spent handling records (decoding, thumbnails, the board)
 * @param serverCpuMs      CPU time of the HTTP threads (pages, thumbnails, updates) and the lag probe
 * @param cameras          cameras on the board
 * @param pages            live pages
 * @param jvmHeapUsedMiB   heap in use in the whole JVM (the dashboard's own when it runs alone)
 */
public record DashboardStats(long uptimeMs, long feedCpuMs, long feedHandlingMs, long serverCpuMs, int cameras,
                             int pages, long jvmHeapUsedMiB) {
}

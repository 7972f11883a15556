package clipstream.dashboard;

import clipstream.dashboard.board.BoardLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How a dashboard is set up, validated once.
 *
 * @param bootstrap        Kafka bootstrap servers
 * @param host             the address the page is served on (loopback unless told otherwise)
 * @param port             its port; 0: a free one
 * @param topics           what it reads
 * @param group            its own consumer group: it never joins the job's or the alerting consumer's
 * @param jobGroup         the job's consumer group, whose lag on the frames topic each camera's health shows
 * @param thumbnailEvery   at most one thumbnail per camera this often (frames in between are counted, not decoded)
 * @param posesEvery       at most one poses record per camera decoded this often
 * @param thumbnailWidth   thumbnails wider than this are scaled down
 * @param limits           what the board holds
 */
public record DashboardSettings(String bootstrap, String host, int port, DashboardTopics topics, String group,
                                String jobGroup, Duration thumbnailEvery, Duration posesEvery, int thumbnailWidth,
                                BoardLimits limits) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8088;
    public static final String DEFAULT_JOB_GROUP = "clipstream-job";
    public static final Duration DEFAULT_THUMBNAIL_EVERY = Duration.ofMillis(500);
    public static final Duration DEFAULT_POSES_EVERY = Duration.ofMillis(100);
    public static final int DEFAULT_THUMBNAIL_WIDTH = 320;

    public DashboardSettings {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(jobGroup, "jobGroup");
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 (a free one) to 65535, got " + port);
        }
        if (thumbnailEvery.toMillis() < 100) {
            throw new IllegalArgumentException("--thumbnail-every must be at least 100ms (a few per second at most),"
                    + " got " + thumbnailEvery);
        }
        if (posesEvery.toMillis() < 20) {
            throw new IllegalArgumentException("--poses-every must be at least 20ms, got " + posesEvery);
        }
        if (thumbnailWidth < 16 || thumbnailWidth > 1920) {
            throw new IllegalArgumentException("--thumbnail-width must be 16 to 1920 pixels, got " + thumbnailWidth);
        }
    }

    /** Default settings for a broker, on {@code port}, following the job group {@code jobGroup}. */
    public static DashboardSettings defaults(String bootstrap, int port, String jobGroup) {
        return new DashboardSettings(bootstrap, DEFAULT_HOST, port, DashboardTopics.DEFAULTS, newGroup(), jobGroup,
                DEFAULT_THUMBNAIL_EVERY, DEFAULT_POSES_EVERY, DEFAULT_THUMBNAIL_WIDTH, BoardLimits.DEFAULTS);
    }

    /**
     * A consumer group of its own for each dashboard: two dashboards in one group would split the cameras between
     * them. It commits nothing, so the broker forgets it once the dashboard stops.
     */
    public static String newGroup() {
        return "clipstream-dashboard-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public DashboardSettings withTopics(DashboardTopics newTopics) {
        return new DashboardSettings(bootstrap, host, port, newTopics, group, jobGroup, thumbnailEvery, posesEvery,
                thumbnailWidth, limits);
    }
}

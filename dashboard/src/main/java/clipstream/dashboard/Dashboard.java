package clipstream.dashboard;

import clipstream.dashboard.board.CameraBoard;
import clipstream.dashboard.feed.JobLagProbe;
import clipstream.dashboard.feed.TopicFeed;
import clipstream.dashboard.server.DashboardServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.BindException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator's dashboard, started in this JVM: the page served on the settings' address, a consumer of its own
 * reading the pipeline's topics into the board, and the job's lag probed every few seconds. {@link #close()} stops
 * all of it; its threads are daemons and named {@code clipstream-dashboard-*}.
 */
public final class Dashboard implements AutoCloseable {
    private static final String THREADS = "clipstream-dashboard";

    private final CameraBoard board;
    private final DashboardServer server;
    private final TopicFeed feed;
    private final JobLagProbe lag;
    private final long started = System.nanoTime();

    private Dashboard(CameraBoard board, DashboardServer server, TopicFeed feed, JobLagProbe lag) {
        this.board = board;
        this.server = server;
        this.feed = feed;
        this.lag = lag;
    }

    /**
     * Starts a dashboard.
     *
     * @param anyPortIfTaken when the settings' port is taken, serve on a free one instead of failing
     * @throws BindException when the port is taken (and {@code anyPortIfTaken} is false)
     */
    public static Dashboard start(DashboardSettings settings, boolean anyPortIfTaken) throws IOException {
        CameraBoard board = new CameraBoard(settings.limits(), System::currentTimeMillis);
        // /api/stats answers from the dashboard made below; no page can ask before start() returns its address
        AtomicReference<Dashboard> self = new AtomicReference<>();
        DashboardServer server;
        try {
            server = DashboardServer.start(board, settings.host(), settings.port(), () -> self.get().stats());
        } catch (BindException e) {
            if (!anyPortIfTaken || settings.port() == 0) {
                throw new BindException("Port " + settings.port() + " on " + settings.host() + " is taken ("
                        + e.getMessage() + "): give another with --port, or 0 for a free one");
            }
            server = DashboardServer.start(board, settings.host(), 0, () -> self.get().stats());
        }
        TopicFeed feed = null;
        JobLagProbe lag = null;
        try {
            feed = new TopicFeed(settings, board);
            lag = new JobLagProbe(settings, board);
            Dashboard dashboard = new Dashboard(board, server, feed, lag);
            self.set(dashboard);
            feed.start();
            lag.start();
            return dashboard;
        } catch (RuntimeException e) {
            server.close();
            if (lag != null) {
                lag.close();
            }
            if (feed != null) {
                feed.close();
            }
            throw e;
        }
    }

    /** The page's address, such as {@code http://127.0.0.1:8088/}. */
    public URI url() {
        return server.url();
    }

    public CameraBoard board() {
        return board;
    }

    /** Pages with a live update stream open now. */
    public int pages() {
        return server.pages();
    }

    /** Why the dashboard stopped reading Kafka, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(feed.failure());
    }

    /**
     * What the dashboard has cost so far: CPU time of its threads (the feed's, Kafka consumer included; the HTTP
     * threads'; the lag probe's), the part of the feed's spent handling records, and the heap of the whole JVM.
     */
    public DashboardStats stats() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long feedCpu = Math.max(0, threads.getThreadCpuTime(feed.thread().getId()));
        long otherCpu = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(THREADS) && thread != feed.thread()) {
                otherCpu += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        Runtime runtime = Runtime.getRuntime();
        return new DashboardStats((System.nanoTime() - started) / 1_000_000, feedCpu / 1_000_000,
                feed.handlingNanos() / 1_000_000, otherCpu / 1_000_000, board.cameras(), server.pages(),
                (runtime.totalMemory() - runtime.freeMemory()) >> 20);
    }

    @Override
    public void close() {
        server.close();
        lag.close();
        feed.close();
    }
}

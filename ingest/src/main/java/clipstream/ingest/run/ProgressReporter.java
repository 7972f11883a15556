package clipstream.ingest.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints one progress line per camera every interval: frames/s over the interval and totals so far. */
final class ProgressReporter {
    private final List<CameraStats> cameras;
    private final PrintWriter out;
    private final Duration interval;
    private final long[] lastPublished;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ingest-progress");
        thread.setDaemon(true);
        return thread;
    });
    private long lastNanos;

    ProgressReporter(List<CameraStats> cameras, PrintWriter out, Duration interval) {
        this.cameras = cameras;
        this.out = out;
        this.interval = interval;
        this.lastPublished = new long[cameras.size()];
    }

    void start() {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        lastNanos = System.nanoTime();
        timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    private void report() {
        long now = System.nanoTime();
        double seconds = (now - lastNanos) / 1e9;
        lastNanos = now;
        for (int i = 0; i < cameras.size(); i++) {
            CameraStats camera = cameras.get(i);
            long published = camera.published();
            out.println(String.format(Locale.ROOT,
                    "[ingest %5.0fs] %-16s %-9s %7.1f frames/s | frames %,d acked %,d (%.1f MB) dropped %,d"
                            + " refused %,d reconnects %d (stream ended %d, dropped %d)",
                    camera.seconds(), camera.cameraId(), camera.state(), (published - lastPublished[i]) / seconds,
                    published, camera.acked(), camera.ackedBytes() / 1e6, camera.dropped(), camera.refused(),
                    camera.reconnects(), camera.streamEnds(), camera.streamDrops()));
            lastPublished[i] = published;
        }
        out.flush();
    }
}

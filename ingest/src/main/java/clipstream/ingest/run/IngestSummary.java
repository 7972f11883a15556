package clipstream.ingest.run;

import java.util.List;
import java.util.Locale;

/** How each camera of a run ended, as a table for the terminal and as data for callers. */
public record IngestSummary(List<CameraResult> cameras) {

    /**
     * One camera's totals. {@code dropped} counts frames dropped from its buffer, {@code streamDrops} times its live
     * stream dropped, {@code streamEnds} times it ended normally. {@code firstSeq}/{@code lastSeq} are -1 when it
     * produced no frame.
     */
    public record CameraResult(String cameraId, String source, CameraState state, String failure, long frames,
                               long acked, long dropped, long refused, long failedSends, long reconnects,
                               long streamEnds, long streamDrops, long ackedBytes, long firstSeq, long lastSeq,
                               double seconds) {

        public double framesPerSecond() {
            return seconds > 0 ? acked / seconds : 0;
        }
    }

    static IngestSummary of(List<CameraStats> stats) {
        return new IngestSummary(stats.stream().map(s -> new CameraResult(s.cameraId(), s.source(), s.state(),
                s.failure(), s.published(), s.acked(), s.dropped(), s.refused(), s.failedSends(), s.reconnects(),
                s.streamEnds(), s.streamDrops(), s.ackedBytes(), s.firstSeq(), s.lastSeq(), s.seconds())).toList());
    }

    /** Whether any camera failed. */
    public boolean anyFailed() {
        return cameras.stream().anyMatch(camera -> camera.state() == CameraState.FAILED);
    }

    public long totalAcked() {
        return cameras.stream().mapToLong(CameraResult::acked).sum();
    }

    /** The end-of-run table, one camera per line, failures spelled out below it. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-16s %-9s %10s %10s %8s %8s %6s %6s %6s %10s %9s %s%n", "camera",
                "state", "frames", "acked", "dropped", "refused", "recon", "ended", "drops", "MB", "frames/s", "seq"));
        for (CameraResult c : cameras) {
            out.append(String.format(Locale.ROOT, "%-16s %-9s %,10d %,10d %,8d %,8d %6d %6d %6d %10.1f %9.1f %s%n",
                    c.cameraId(), c.state(), c.frames(), c.acked(), c.dropped(), c.refused(), c.reconnects(),
                    c.streamEnds(), c.streamDrops(), c.ackedBytes() / 1e6, c.framesPerSecond(),
                    c.firstSeq() < 0 ? "-" : c.firstSeq() + ".." + c.lastSeq()));
        }
        for (CameraResult c : cameras) {
            if (c.failure() != null) {
                out.append("camera ").append(c.cameraId()).append(" failed: ").append(c.failure()).append('\n');
            }
        }
        return out.toString();
    }
}

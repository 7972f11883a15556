package clipstream.bench;

import clipstream.kafka.embedded.EmbeddedKafka;
import clipstream.model.store.ModelManifest;
import clipstream.model.store.ModelStore;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code bench soak}: the whole pipeline for many minutes at a steady real-time load (cameras sending at their frame
 * rate, exactly-once), sampled every {@code sampleSeconds} on a fixed schedule: resident memory, heap after the last
 * collection, direct buffers, JVM heap committed, the job's lag on the frames topic per partition (read and committed,
 * see {@link FramesLag}), the latest checkpoint's size, duration and age, and events per second. "Flat" is judged on
 * the part after the warm-up: the last quarter's median against the first quarter's, for RSS (within
 * {@link #FLAT_RSS_SHARE}) and the read lag (within {@link #FLAT_LAG_FRAMES} frames per camera). The committed lag
 * is reported, not judged: it rises and falls by a checkpoint interval of frames with the checkpoint cycle.
 */
final class SoakBenchmark {
    static final double FLAT_RSS_SHARE = 0.10;
    static final double FLAT_LAG_FRAMES = 64;
    private static final String SOURCE_VERTEX = "Source: frames";

    record Sizes(int cameras, double fps, Duration duration, Duration warmUp, Duration sample) {
    }

    /**
     * One sample of the run; {@code commitAgeMs}: how long before the sample the checkpoint whose offsets are
     * committed was triggered.
     */
    record Sample(double seconds, long rssMiB, long heapAfterGcMiB, long heapCommittedMiB, long directMiB,
                  List<FramesLag.Partition> partitions, long commitAgeMs, FlinkMetrics.Checkpoint checkpoint,
                  long offsetCommitsFailed, double eventsPerSecond) {
        long readLag() {
            return partitions.stream().mapToLong(FramesLag.Partition::readLag).sum();
        }

        long committedLag() {
            return partitions.stream().mapToLong(FramesLag.Partition::committedLag).sum();
        }
    }

    private final BenchOptions options;
    private final Sizes sizes;
    private final PrintStream out;

    SoakBenchmark(BenchOptions options, Sizes sizes, PrintStream out) {
        this.options = options;
        this.sizes = sizes;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        ModelManifest manifest = new ModelStore(options.store()).describe(options.model(), null).manifest();
        ObjectNode json = Reports.header("soak", options, manifest);
        json.put("cameras", sizes.cameras()).put("fps", sizes.fps()).put("seconds", sizes.duration().toSeconds())
                .put("warm_up_seconds", sizes.warmUp().toSeconds()).put("sample_seconds", sizes.sample().toSeconds());
        List<Sample> samples = new ArrayList<>();
        long frames = (long) Math.ceil((sizes.duration().toSeconds() + 60) * sizes.fps());
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             PipelineRun runs = new PipelineRun(kafka, manifest, options)) {
            PipelineRun.Prepared prepared = runs.prepare(new PipelineRun.Load(sizes.cameras(), sizes.fps(), frames,
                    false, DeliveryGuarantee.EXACTLY_ONCE));
            out.printf(Locale.ROOT, "soak: %d cameras x %.0f fps for %d s (exactly-once), a sample every %d s%n",
                    sizes.cameras(), sizes.fps(), sizes.duration().toSeconds(), sizes.sample().toSeconds());
            out.printf(Locale.ROOT, "%8s %8s %8s %8s %8s %8s %10s %8s %10s %8s %9s%n", "s", "RSS MiB", "heap MiB",
                    "commit", "direct", "read lag", "committed", "ckpt age", "ckpt KiB", "ckpt ms", "events/s");
            runs.runLive(prepared, (flink, metrics, events) -> {
                long start = System.nanoTime();
                long end = start + sizes.duration().toNanos();
                int lastCount = 0;
                long lastAt = start;
                try (Admin admin = runs.admin()) {
                    FramesLag lag = new FramesLag(admin, PipelineRun.group(prepared), PipelineRun.framesTopic(prepared));
                    // a fixed schedule: a sample's own time does not push the later ones back (sampling every period
                    // plus a few ms walked the samples slowly through the checkpoint cycle: a committed lag that
                    // climbed for the whole run)
                    for (long next = start + sizes.sample().toNanos(); next - end < sizes.sample().toNanos();
                         next += sizes.sample().toNanos()) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(next, end) - System.nanoTime());
                        flink.failure().ifPresent(cause -> {
                            throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
                        });
                        long now = System.nanoTime();
                        long epochMs = System.currentTimeMillis();
                        int count = events.count();
                        List<FramesLag.Partition> partitions = lag.partitions();
                        FlinkMetrics.Checkpoint checkpoint = metrics.latestCheckpoint();
                        Sample sample = new Sample((now - start) / 1e9, ProcessUsage.residentMiB(), heapAfterGcMiB(),
                                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                                directMiB(), partitions,
                                checkpoint.triggeredAt() < 0 ? -1 : epochMs - checkpoint.triggeredAt(), checkpoint,
                                offsetCommitsFailed(metrics), (count - lastCount) / ((now - lastAt) / 1e9));
                        lastCount = count;
                        lastAt = now;
                        samples.add(sample);
                        out.printf(Locale.ROOT, "%8.0f %8d %8d %8d %8d %8d %10d %8d %10.0f %8d %9.1f%n",
                                sample.seconds(), sample.rssMiB(), sample.heapAfterGcMiB(), sample.heapCommittedMiB(),
                                sample.directMiB(), sample.readLag(), sample.committedLag(), sample.commitAgeMs(),
                                checkpoint.stateBytes() / 1024.0, checkpoint.durationMs(), sample.eventsPerSecond());
                    }
                }
            });
        }
        ArrayNode rows = json.putArray("samples");
        for (Sample s : samples) {
            ObjectNode row = rows.addObject();
            row.put("seconds", s.seconds()).put("rss_mib", s.rssMiB())
                    .put("heap_after_gc_mib", s.heapAfterGcMiB()).put("heap_committed_mib", s.heapCommittedMiB())
                    .put("direct_mib", s.directMiB()).put("read_lag_frames", s.readLag())
                    .put("committed_lag_frames", s.committedLag()).put("commit_age_ms", s.commitAgeMs())
                    .put("checkpoint_id", s.checkpoint().id()).put("checkpoint_bytes", s.checkpoint().stateBytes())
                    .put("checkpoint_ms", s.checkpoint().durationMs())
                    .put("checkpoints_failed", s.checkpoint().failed())
                    .put("offset_commits_failed", s.offsetCommitsFailed())
                    .put("events_per_s", s.eventsPerSecond());
            ArrayNode partitions = row.putArray("partitions");
            for (FramesLag.Partition p : s.partitions()) {
                partitions.addObject().put("partition", p.partition()).put("end", p.end())
                        .put("committed", p.committed()).put("position", p.position());
            }
        }
        List<Sample> steady = samples.stream().filter(s -> s.seconds() >= sizes.warmUp().toSeconds()).toList();
        ObjectNode verdict = json.putObject("verdict");
        if (steady.size() >= 4) {
            int quarter = Math.max(1, steady.size() / 4);
            double rssFirst = median(steady.subList(0, quarter), Sample::rssMiB);
            double rssLast = median(steady.subList(steady.size() - quarter, steady.size()), Sample::rssMiB);
            double lagFirst = median(steady.subList(0, quarter), Sample::readLag);
            double lagLast = median(steady.subList(steady.size() - quarter, steady.size()), Sample::readLag);
            double committedFirst = median(steady.subList(0, quarter), Sample::committedLag);
            double committedLast = median(steady.subList(steady.size() - quarter, steady.size()), Sample::committedLag);
            boolean rssFlat = Math.abs(rssLast - rssFirst) <= FLAT_RSS_SHARE * rssFirst;
            boolean lagFlat = lagLast - lagFirst <= FLAT_LAG_FRAMES * sizes.cameras();
            verdict.put("rss_first_quarter_mib", rssFirst).put("rss_last_quarter_mib", rssLast)
                    .put("read_lag_first_quarter", lagFirst).put("read_lag_last_quarter", lagLast)
                    .put("committed_lag_first_quarter", committedFirst)
                    .put("committed_lag_last_quarter", committedLast)
                    .put("rss_flat", rssFlat).put("lag_flat", lagFlat);
            out.printf(Locale.ROOT, "after warm-up: RSS median %.0f -> %.0f MiB (%s), read lag median %.0f -> %.0f"
                    + " frames (%s); committed lag median %.0f -> %.0f frames (not judged: it follows the checkpoint"
                    + " cycle)%n", rssFirst, rssLast, rssFlat ? "flat" : "NOT flat", lagFirst, lagLast,
                    lagFlat ? "flat" : "NOT flat", committedFirst, committedLast);
        } else {
            verdict.put("note", "too few samples after the warm-up to judge");
            out.println("too few samples after the warm-up to judge flatness");
        }
        if (!samples.isEmpty()) {
            double[] x = samples.stream().mapToDouble(Sample::seconds).toArray();
            new LineChart("Soak: " + sizes.cameras() + " cameras x " + (int) sizes.fps() + " fps, exactly-once",
                    "seconds", "MiB / frames / events per s")
                    .series("RSS MiB", x, samples.stream().mapToDouble(Sample::rssMiB).toArray())
                    .series("heap after GC MiB", x, samples.stream().mapToDouble(Sample::heapAfterGcMiB).toArray())
                    .series("read lag (frames)", x, samples.stream().mapToDouble(Sample::readLag).toArray())
                    .series("committed lag (frames)", x, samples.stream().mapToDouble(Sample::committedLag).toArray())
                    .series("events/s x 10", x, samples.stream().mapToDouble(s -> s.eventsPerSecond() * 10).toArray())
                    .write(options.outDir().resolve("soak.png"));
        }
        Path written = Reports.write(json, options.outDir().resolve("soak.json"));
        out.println("wrote " + written.toAbsolutePath() + " and soak.png");
        return json;
    }

    private static double median(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
        long[] sorted = samples.stream().mapToLong(value).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }

    /** Heap in use right after the last collection of each heap pool, summed: what survives, not garbage. */
    private static long heapAfterGcMiB() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && afterGc != null) {
                bytes += afterGc.getUsed();
            }
        }
        return bytes >> 20;
    }

    private static long directMiB() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum() >> 20;
    }

    /** Offset commits the job's Kafka source reported failed so far (a skipped commit holds the committed lag up). */
    private static long offsetCommitsFailed(FlinkMetrics metrics) throws Exception {
        return (long) metrics.matching(SOURCE_VERTEX, id -> id.endsWith(".commitsFailed")).values().stream()
                .mapToDouble(Double::doubleValue).sum();
    }
}

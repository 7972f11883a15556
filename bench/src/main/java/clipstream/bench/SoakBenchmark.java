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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code bench soak}: the whole pipeline for many minutes at a steady real-time load (cameras sending at their frame
 * rate, exactly-once), sampled every {@code sampleSeconds}: resident memory, heap after the last collection, direct
 * buffers, JVM heap committed, the job's consumer lag, the latest checkpoint's size and duration, and events per
 * second. "Flat" is judged on the part after the warm-up: the last quarter's median against the first quarter's,
 * for RSS (within {@link #FLAT_RSS_SHARE}) and lag (within {@link #FLAT_LAG_FRAMES} frames per camera).
 */
final class SoakBenchmark {
    static final double FLAT_RSS_SHARE = 0.10;
    static final double FLAT_LAG_FRAMES = 64;

    record Sizes(int cameras, double fps, Duration duration, Duration warmUp, Duration sample) {
    }

    /** One sample of the run. */
    record Sample(double seconds, long rssMiB, long heapAfterGcMiB, long heapCommittedMiB, long directMiB, long lag,
                  long checkpointBytes, long checkpointMs, double eventsPerSecond) {
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
            out.printf(Locale.ROOT, "%8s %8s %8s %8s %8s %8s %10s %8s %9s%n", "s", "RSS MiB", "heap MiB", "commit",
                    "direct", "lag", "ckpt KiB", "ckpt ms", "events/s");
            runs.runLive(prepared, (flink, metrics, events) -> {
                long start = System.nanoTime();
                long end = start + sizes.duration().toNanos();
                int lastCount = 0;
                long lastAt = start;
                try (Admin admin = runs.admin()) {
                    while (System.nanoTime() < end) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(sizes.sample().toNanos(), end - System.nanoTime()));
                        flink.failure().ifPresent(cause -> {
                            throw new IllegalStateException("The clipstream job stopped: " + cause, cause);
                        });
                        long now = System.nanoTime();
                        int count = events.count();
                        FlinkMetrics.Checkpoint checkpoint = metrics.latestCheckpoint();
                        Sample sample = new Sample((now - start) / 1e9, ProcessUsage.residentMiB(), heapAfterGcMiB(),
                                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                                directMiB(), lag(admin, PipelineRun.group(prepared), PipelineRun.framesTopic(prepared)),
                                checkpoint.stateBytes(), checkpoint.durationMs(),
                                (count - lastCount) / ((now - lastAt) / 1e9));
                        lastCount = count;
                        lastAt = now;
                        samples.add(sample);
                        out.printf(Locale.ROOT, "%8.0f %8d %8d %8d %8d %8d %10.0f %8d %9.1f%n", sample.seconds(),
                                sample.rssMiB(), sample.heapAfterGcMiB(), sample.heapCommittedMiB(), sample.directMiB(),
                                sample.lag(), sample.checkpointBytes() / 1024.0, sample.checkpointMs(),
                                sample.eventsPerSecond());
                    }
                }
            });
        }
        ArrayNode rows = json.putArray("samples");
        for (Sample s : samples) {
            rows.addObject().put("seconds", s.seconds()).put("rss_mib", s.rssMiB())
                    .put("heap_after_gc_mib", s.heapAfterGcMiB()).put("heap_committed_mib", s.heapCommittedMiB())
                    .put("direct_mib", s.directMiB()).put("lag_frames", s.lag())
                    .put("checkpoint_bytes", s.checkpointBytes()).put("checkpoint_ms", s.checkpointMs())
                    .put("events_per_s", s.eventsPerSecond());
        }
        List<Sample> steady = samples.stream().filter(s -> s.seconds() >= sizes.warmUp().toSeconds()).toList();
        ObjectNode verdict = json.putObject("verdict");
        if (steady.size() >= 4) {
            int quarter = Math.max(1, steady.size() / 4);
            double rssFirst = median(steady.subList(0, quarter), Sample::rssMiB);
            double rssLast = median(steady.subList(steady.size() - quarter, steady.size()), Sample::rssMiB);
            double lagFirst = median(steady.subList(0, quarter), Sample::lag);
            double lagLast = median(steady.subList(steady.size() - quarter, steady.size()), Sample::lag);
            boolean rssFlat = Math.abs(rssLast - rssFirst) <= FLAT_RSS_SHARE * rssFirst;
            boolean lagFlat = lagLast - lagFirst <= FLAT_LAG_FRAMES * sizes.cameras();
            verdict.put("rss_first_quarter_mib", rssFirst).put("rss_last_quarter_mib", rssLast)
                    .put("lag_first_quarter", lagFirst).put("lag_last_quarter", lagLast)
                    .put("rss_flat", rssFlat).put("lag_flat", lagFlat);
            out.printf(Locale.ROOT, "after warm-up: RSS median %.0f -> %.0f MiB (%s), lag median %.0f -> %.0f frames"
                    + " (%s)%n", rssFirst, rssLast, rssFlat ? "flat" : "NOT flat", lagFirst, lagLast,
                    lagFlat ? "flat" : "NOT flat");
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
                    .series("lag (frames)", x, samples.stream().mapToDouble(Sample::lag).toArray())
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

    /** Frames on the topic that the job's group has not committed yet (the source commits on checkpoints). */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            lag += end.getValue().offset() - (at == null ? 0 : at.offset());
        }
        return lag;
    }
}

package clipstream.bench;

import clipstream.common.stats.Percentiles;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What one {@link PipelineRun} measured. A drain's throughput is taken over its steady middle (events 10 % to 90 %
 * of the way through, by the time they became visible), so start-up and the last partial batch do not count; a paced
 * run's is every event over the time from the cameras' start to the last event.
 * Latencies leave out each camera's first clip, which waits for the out-of-orderness bound before its first frame
 * is trusted.
 */
record RunResult(PipelineRun.Load load, long expectedClips, long events, long duplicates, long framesAcked,
                 long framesDropped, long deadLetters, double clipsPerSecond, double framesPerSecond,
                 Percentiles endToEnd, Percentiles toBroker, Percentiles commitWait, Map<String, Double> stages,
                 double cpuSeconds, double wallSeconds, Map<String, Double> cpuByThread, long peakRssMiB,
                 double steadyCpuMsPerClip, Map<String, Double> steadyCpuByThread) {

    static RunResult of(PipelineRun.Load load, BenchOptions options, long expected, List<EventReader.Seen> seen,
                        long duplicates, long framesAcked, long framesDropped, long deadLetters, long startedMs,
                        Map<String, Double> stages, ProcessUsage.Snapshot cpuStart, ProcessUsage.Snapshot cpuEnd,
                        List<ProcessUsage.Snapshot> samples, long peakRssMiB) {
        double rate = load.prefill() ? steadyRate(seen, startedMs) : deliveredRate(seen, startedMs);
        Steady steady = steadyCpu(seen, samples);
        List<EventReader.Seen> timed = load.prefill() ? List.of()
                : seen.stream().filter(e -> e.firstSeq() > 0).toList(); // first clips wait out the out-of-orderness
        Percentiles endToEnd = Percentiles.of(timed.stream().map(EventReader.Seen::endToEndMs).toList());
        Percentiles toBroker = Percentiles.of(timed.stream().map(e -> e.appendedAt() - e.endTime()).toList());
        Percentiles commitWait = Percentiles.of(seen.stream().map(e -> e.visibleAt() - e.appendedAt()).toList());
        return new RunResult(load, expected, seen.size(), duplicates, framesAcked, framesDropped, deadLetters, rate,
                rate * options.stride(), endToEnd, toBroker, commitWait, stages, cpuEnd.cpuSecondsSince(cpuStart),
                cpuEnd.secondsSince(cpuStart), top(cpuEnd.byGroupSince(cpuStart), 12), peakRssMiB,
                steady.cpuMsPerClip(), top(steady.byThread(), 12));
    }

    private record Steady(double cpuMsPerClip, Map<String, Double> byThread) {
    }

    /**
     * CPU per clip between the samples nearest the 10th and the 90th percentile of the events' visible times: the
     * steady part, without start-up (class loading, JIT, TensorFlow's first runs) and the tail.
     */
    private static Steady steadyCpu(List<EventReader.Seen> seen, List<ProcessUsage.Snapshot> samples) {
        if (seen.size() < 20 || samples.size() < 3) {
            return new Steady(-1, Map.of());
        }
        List<EventReader.Seen> sorted = sortedByVisible(seen);
        long offsetNanos = System.nanoTime() - System.currentTimeMillis() * 1_000_000; // epoch ms -> nanoTime
        long from = sorted.get(sorted.size() / 10).visibleAt() * 1_000_000 + offsetNanos;
        long to = sorted.get(sorted.size() - 1 - sorted.size() / 10).visibleAt() * 1_000_000 + offsetNanos;
        ProcessUsage.Snapshot first = nearest(samples, from);
        ProcessUsage.Snapshot last = nearest(samples, to);
        if (last.nanoTime() <= first.nanoTime()) {
            return new Steady(-1, Map.of());
        }
        long firstMs = (first.nanoTime() - offsetNanos) / 1_000_000;
        long lastMs = (last.nanoTime() - offsetNanos) / 1_000_000;
        long clips = seen.stream().filter(e -> e.visibleAt() > firstMs && e.visibleAt() <= lastMs).count();
        return new Steady(clips == 0 ? -1 : last.cpuSecondsSince(first) * 1000 / clips, last.byGroupSince(first));
    }

    private static ProcessUsage.Snapshot nearest(List<ProcessUsage.Snapshot> samples, long nanoTime) {
        return samples.stream().min(Comparator.comparingLong(s -> Math.abs(s.nanoTime() - nanoTime))).orElseThrow();
    }

    /**
     * Events per second from the moment the cameras started until the last event was visible: the offered rate
     * when the job keeps up, its capacity when a backlog builds (the run waits for the backlog to drain).
     */
    static double deliveredRate(List<EventReader.Seen> seen, long startedMs) {
        long last = seen.stream().mapToLong(EventReader.Seen::visibleAt).max().orElse(startedMs);
        return last <= startedMs ? 0 : seen.size() * 1000.0 / (last - startedMs);
    }

    /**
     * Events per second between the 10th and the 90th percentile of their visible times; with fewer than 20 events
     * (too few batches for a middle), all of them since {@code startedMs}, start-up included.
     */
    static double steadyRate(List<EventReader.Seen> seen, long startedMs) {
        if (seen.isEmpty()) {
            return 0;
        }
        List<EventReader.Seen> sorted = sortedByVisible(seen);
        if (seen.size() < 20) {
            long span = sorted.get(sorted.size() - 1).visibleAt() - startedMs;
            return span <= 0 ? 0 : seen.size() * 1000.0 / span;
        }
        int from = sorted.size() / 10;
        int to = sorted.size() - 1 - sorted.size() / 10;
        long span = sorted.get(to).visibleAt() - sorted.get(from).visibleAt();
        return span <= 0 ? 0 : (to - from) * 1000.0 / span;
    }

    private static List<EventReader.Seen> sortedByVisible(List<EventReader.Seen> seen) {
        List<EventReader.Seen> sorted = new ArrayList<>(seen);
        sorted.sort(Comparator.comparingLong(EventReader.Seen::visibleAt));
        return sorted;
    }

    private static Map<String, Double> top(Map<String, Double> byGroup, int n) {
        Map<String, Double> top = new java.util.LinkedHashMap<>();
        byGroup.entrySet().stream().limit(n).forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    /** Average cores busy over the run (CPU seconds / wall seconds). */
    double coresBusy() {
        return wallSeconds <= 0 ? 0 : cpuSeconds / wallSeconds;
    }

    /** CPU milliseconds the whole process spent per clip delivered. */
    double cpuMsPerClip() {
        return events == 0 ? 0 : cpuSeconds * 1000 / events;
    }

    /**
     * Share of the steady part of the run the model spent classifying: clips/s × mean batch time ÷ mean batch size
     * (the histograms hold the last 1024 batches; the median batch time, used before, understated it: batch times
     * are skewed right when other threads preempt the model).
     */
    double modelBusy() {
        double batchMs = stage("inferenceLatencyMs_mean") > 0 ? stage("inferenceLatencyMs_mean")
                : stage("inferenceLatencyMs_p50");
        double batch = stage("batchSize_mean");
        return batchMs <= 0 || batch <= 0 ? -1 : clipsPerSecond * batchMs / 1000 / batch;
    }

    double stage(String name) {
        return stages.getOrDefault(name, -1.0);
    }

    /**
     * Share of the steady CPU time the JIT compilers took: a large one says the JVM was still compiling (warming up),
     * which on 2 cores takes CPU the pipeline would otherwise have.
     */
    double jitShare() {
        double all = steadyCpuByThread.values().stream().mapToDouble(Double::doubleValue).sum();
        double jit = steadyCpuByThread.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre"))
                .mapToDouble(Map.Entry::getValue).sum();
        return all > 0 ? jit / all : 0;
    }

    ObjectNode json() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("cameras", load.cameras()).put("fps", load.fps()).put("frames_per_camera", load.framesPerCamera())
                .put("mode", load.prefill() ? "drain" : "paced").put("delivery", load.delivery().name())
                .put("expected_clips", expectedClips).put("events", events).put("duplicates", duplicates)
                .put("frames_acked", framesAcked).put("frames_dropped", framesDropped).put("dead_letters", deadLetters)
                .put("clips_per_s", clipsPerSecond).put("frames_per_s", framesPerSecond)
                .put("cpu_seconds", cpuSeconds).put("wall_seconds", wallSeconds).put("cores_busy", coresBusy())
                .put("cpu_ms_per_clip", cpuMsPerClip()).put("model_busy", modelBusy()).put("peak_rss_mib", peakRssMiB);
        json.set("end_to_end_ms", Reports.json(endToEnd));
        ObjectNode stageJson = json.putObject("stages_ms");
        for (String stage : List.of("clipCompleteLatencyMs", "batchWaitMs", "inferenceLatencyMs", "endToEndLatencyMs")) {
            ObjectNode s = stageJson.putObject(stage);
            for (String p : List.of("p50", "p95", "p99", "mean")) {
                s.put(p, stage(stage + "_" + p));
            }
        }
        stageJson.set("appendedMinusCapture", Reports.json(toBroker));
        stageJson.set("visibleMinusAppended", Reports.json(commitWait));
        json.put("mean_batch_size", stage("batchSize_mean"));
        json.put("checkpoint_state_bytes", (long) stage(PipelineRun.CHECKPOINT_STATE_BYTES));
        json.put("steady_cpu_ms_per_clip", steadyCpuMsPerClip);
        ObjectNode cpu = json.putObject("cpu_seconds_by_thread");
        cpuByThread.forEach(cpu::put);
        json.put("jit_share", jitShare());
        ObjectNode steadyCpu = json.putObject("steady_cpu_seconds_by_thread");
        steadyCpuByThread.forEach(steadyCpu::put);
        return json;
    }
}

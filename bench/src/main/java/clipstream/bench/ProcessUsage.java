package clipstream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process, per thread and in total, read from {@code /proc/self/task/<tid>/stat}: native threads
 * (TensorFlow's pools) included, which the JVM's thread MX bean does not see. Threads are grouped by name with
 * digits and trailing details dropped, so "kafka-request-handler-1" and "-0" count together.
 */
public final class ProcessUsage {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64

    private ProcessUsage() {
    }

    /** CPU seconds per thread id at one instant, with each thread's name. */
    public record Snapshot(long nanoTime, Map<Long, Double> cpuSeconds, Map<Long, String> names) {

        /** CPU seconds used since {@code earlier}, all threads. */
        public double cpuSecondsSince(Snapshot earlier) {
            return byGroupSince(earlier).values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** CPU seconds used since {@code earlier} by thread group, largest first. */
        public Map<String, Double> byGroupSince(Snapshot earlier) {
            Map<String, Double> groups = new HashMap<>();
            cpuSeconds.forEach((tid, seconds) -> {
                double used = seconds - earlier.cpuSeconds.getOrDefault(tid, 0.0);
                if (used > 0) {
                    groups.merge(group(names.get(tid)), used, Double::sum);
                }
            });
            Map<String, Double> sorted = new LinkedHashMap<>();
            groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        }

        public double secondsSince(Snapshot earlier) {
            return (nanoTime - earlier.nanoTime) / 1e9;
        }
    }

    /** The whole machine's CPU ticks from /proc/stat: all, and stolen by the hypervisor. */
    public record MachineTicks(long total, long steal) {

        /** The share of the machine's CPU time stolen since {@code earlier} (0 when nothing was counted). */
        public double stealShareSince(MachineTicks earlier) {
            long all = total - earlier.total;
            return all > 0 ? (steal - earlier.steal) / (double) all : 0;
        }
    }

    /** The machine's CPU ticks now; zeros where /proc/stat cannot be read. */
    public static MachineTicks machineTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(cpu[i]);
            }
            return new MachineTicks(total, cpu.length > 8 ? Long.parseLong(cpu[8]) : 0);
        } catch (IOException | RuntimeException e) {
            return new MachineTicks(0, 0);
        }
    }

    /** Every live thread's CPU time now. */
    public static Snapshot snapshot() {
        Map<Long, Double> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // "tid (comm) state ..." — comm may hold spaces and parentheses: split after the last ')'
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] fields = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    long tid = Long.parseLong(task.getFileName().toString());
                    cpu.put(tid, ticks / (double) CLOCK_TICKS_PER_SECOND);
                    names.put(tid, stat.substring(open + 1, close));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            // not Linux: no per-thread figures
        }
        return new Snapshot(System.nanoTime(), cpu, names);
    }

    /** Resident set size of this process in MiB (0 where /proc is missing). */
    public static long residentMiB() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            return lines.stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0) / 1024;
        } catch (IOException e) {
            return 0;
        }
    }

    /** A thread name (at most 15 characters in /proc) without numbers, ids and what follows a '#'. */
    static String group(String name) {
        if (name == null) {
            return "?";
        }
        String base = name.replaceAll("#.*$", "").replaceAll("[0-9]+", "").replaceAll("[-_ .(/]+$", "").strip();
        return base.isEmpty() ? name : base;
    }
}

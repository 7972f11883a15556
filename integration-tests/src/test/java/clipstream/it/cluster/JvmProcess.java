package clipstream.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** One child JVM started by {@link ChildJvms}: its name, the process, and the file its stdout and stderr go to. */
record JvmProcess(String name, Process process, Path log) {
    /** How a quoted log tail begins. */
    static final String TAIL_HEADER = "--- last lines of ";

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: on Linux {@link Process#destroyForcibly()} sends SIGKILL; returns once the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for 30 s");
        }
    }

    /** Waits for the process to end by itself; its exit code, or empty at the timeout. */
    OptionalLong awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalLong.of(process.exitValue())
                : OptionalLong.empty();
    }

    /** The last {@code lines} lines of the log, with a header naming the process and the file. */
    String logTail(int lines) {
        StringBuilder tail = new StringBuilder(TAIL_HEADER + name + " (pid " + pid() + ", "
                + (isAlive() ? "alive" : "exited " + process.exitValue()) + "): " + log + "\n");
        try {
            if (Files.exists(log)) {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(line -> tail.append(line).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            tail.append("(cannot read the log: ").append(e).append(")\n");
        }
        return tail.toString();
    }

    /** Resident set size now and at its peak ({@code VmRSS}, {@code VmHWM}), in MiB; "exited" once it is gone. */
    String memory() {
        return isAlive() ? memoryOf(pid()) : "exited";
    }

    /** {@link #memory()} of any process of this machine, e.g. the test's own JVM. */
    static String memoryOf(long pid) {
        try {
            long rss = -1;
            long peak = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
            return String.format(java.util.Locale.ROOT, "RSS %d MiB (peak %d MiB)", rss / 1024, peak / 1024);
        } catch (IOException | UncheckedIOException e) {
            return "RSS unknown (" + e.getMessage() + ")";
        }
    }

    private static long kib(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }
}

package clipstream.it.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Java processes from the JDK running this test, each with its output in a log file, and owns them: {@link
 * #close()} (and a JVM shutdown hook, should the test JVM be stopped before) ends every one of them and their
 * children, politely first (SIGTERM), then with SIGKILL.
 */
final class ChildJvms implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvms.class);
    private static final Duration GRACE = Duration.ofSeconds(15);
    /** For JVMs that run a few seconds (storage format, resource parameters, the client): start fast, little CPU. */
    static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private final Path logDir;
    private final String java;
    private final List<JvmProcess> started = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook = new Thread(this::killAll, "child-jvms-shutdown");

    ChildJvms(Path logDir) throws IOException {
        this.logDir = Files.createDirectories(logDir);
        this.java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("Cannot tell which java runs this JVM"));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code java [jvmArgs] -cp classpath mainClass [args]}; its stdout and stderr go to {@code name.log}. */
    JvmProcess start(String name, String classpath, List<String> jvmArgs, String mainClass, List<String> args,
                     Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        JvmProcess process = new JvmProcess(name, builder.start(), log);
        started.add(process);
        LOG.info("Started {} (pid {}), log {}", name, process.pid(), log);
        return process;
    }

    /** Runs a short-lived JVM to its end; fails with its log tail when it fails or takes longer than {@code timeout}. */
    JvmProcess run(String name, String classpath, List<String> jvmArgs, String mainClass, List<String> args,
                   Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        JvmProcess process = start(name, classpath, jvmArgs, mainClass, args, env);
        var exit = process.awaitExit(timeout);
        if (exit.isEmpty() || exit.getAsLong() != 0) {
            throw new IllegalStateException(name + (exit.isEmpty() ? " did not end within " + timeout.toSeconds()
                    + " s" : " failed with exit code " + exit.getAsLong()) + "\n" + process.logTail(60));
        }
        return process;
    }

    /** Every process started, in order. */
    List<JvmProcess> processes() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    /** Ends every process still running, newest first: SIGTERM, then SIGKILL after a grace period. */
    @Override
    public void close() {
        List<JvmProcess> running = new ArrayList<>(processes().stream().filter(JvmProcess::isAlive).toList());
        Collections.reverse(running);
        List<ProcessHandle> all = new ArrayList<>();
        for (JvmProcess process : running) {
            process.process().descendants().forEach(all::add);
            all.add(process.process().toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle handle : all) {
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                handle.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("pid {} did not stop within {} s of SIGTERM; killing it", handle.pid(), GRACE.toSeconds());
            }
        }
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs killAll() anyway
        }
    }

    /** SIGKILL for every process started and its children; waits briefly for them to go. */
    private void killAll() {
        for (JvmProcess process : processes()) {
            process.process().descendants().forEach(ProcessHandle::destroyForcibly);
            process.process().destroyForcibly();
        }
        for (JvmProcess process : processes()) {
            try {
                if (!process.process().waitFor(10, TimeUnit.SECONDS)) {
                    LOG.error("{} (pid {}) is still running after SIGKILL", process.name(), process.pid());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

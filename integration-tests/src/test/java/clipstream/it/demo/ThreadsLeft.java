package clipstream.it.demo;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Non-daemon threads a stack left behind. Some libraries end their helper threads shortly after they go idle
 * (Netty's GlobalEventExecutor quits one second after its last task), so every leftover thread is joined until
 * a deadline first: what is still alive then was really left running.
 */
public final class ThreadsLeft {
    private ThreadsLeft() {
    }

    public static List<String> since(Set<Thread> before, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive() && !thread.isDaemon())
                .collect(Collectors.toList());
        for (Thread thread : started) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        }
        return started.stream().filter(Thread::isAlive).map(Thread::getName).sorted().collect(Collectors.toList());
    }
}

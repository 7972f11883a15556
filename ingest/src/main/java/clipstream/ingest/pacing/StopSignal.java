package clipstream.ingest.pacing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Asks a camera to stop; waits in pacing and reconnect backoff end early when it is raised. */
public final class StopSignal {
    private final CountDownLatch raised = new CountDownLatch(1);

    public void raise() {
        raised.countDown();
    }

    public boolean raised() {
        return raised.getCount() == 0;
    }

    /**
     * Waits until {@code timeout} has passed or the signal is raised, whichever comes first.
     *
     * @return true if the signal was raised (the caller should stop)
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return timeout.isNegative() || timeout.isZero() ? raised() : raised.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}

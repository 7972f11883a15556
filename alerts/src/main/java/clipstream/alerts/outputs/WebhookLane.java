package clipstream.alerts.outputs;

import clipstream.alerts.rules.WebhookTarget;
import clipstream.schema.Alert;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The alerts waiting for one webhook: a bounded queue, worked through in order by at most one thread at a time. A
 * webhook that is down or slow fills only its own lane; the others, and the dispatcher's poll loop, go on.
 */
final class WebhookLane {
    /** Finishes one alert for the lane's webhook: delivers it or dead-letters it. */
    @FunctionalInterface
    interface Sender {
        void send(WebhookTarget target, Delivery delivery) throws InterruptedException;
    }

    /** An alert as polled, with the progress entry its delivery finishes. */
    record Delivery(ConsumerRecord<byte[], byte[]> record, Alert alert, DeliveryProgress.Pending pending) {
    }

    private final WebhookTarget target;
    private final int capacity;
    private final BlockingQueue<Delivery> queue;
    private final Executor threads;
    private final Sender sender;
    private final AtomicBoolean working = new AtomicBoolean();

    WebhookLane(WebhookTarget target, int capacity, Executor threads, Sender sender) {
        this.target = target;
        this.capacity = capacity;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.threads = threads;
        this.sender = sender;
    }

    WebhookTarget target() {
        return target;
    }

    int capacity() {
        return capacity;
    }

    /** Queues {@code delivery} without waiting; false when the lane already holds {@link #capacity()} alerts. */
    boolean offer(Delivery delivery) {
        if (!queue.offer(delivery)) {
            return false;
        }
        startWorking();
        return true;
    }

    /** True when nothing is queued or being sent. */
    boolean idle() {
        return queue.isEmpty() && !working.get();
    }

    private void startWorking() {
        if (working.compareAndSet(false, true)) {
            try {
                threads.execute(this::work);
            } catch (RejectedExecutionException stopping) {
                working.set(false); // the dispatcher is stopping: what is queued is delivered after the restart
            }
        }
    }

    private void work() {
        try {
            Delivery next;
            while (!Thread.currentThread().isInterrupted() && (next = queue.poll()) != null) {
                if (!next.pending().cancelled()) {
                    sender.send(target, next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            working.set(false);
        }
        // an alert offered while this thread was leaving found it still working
        if (!Thread.currentThread().isInterrupted() && !queue.isEmpty()) {
            startWorking();
        }
    }
}

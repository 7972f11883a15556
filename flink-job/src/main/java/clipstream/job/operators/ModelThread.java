package clipstream.job.operators;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread an inference operator runs its model on, so the task thread goes on assembling input while the model
 * works: the model is opened on it (the native threads TensorFlow starts for a session are then its children and
 * carry its name, so CPU per thread tells the model's share from the task thread's), each piece of work runs on it
 * in turn, and what the task thread does with a result is posted to the task's mailbox. {@link #onTaskThread} runs
 * everything on the calling thread instead, each piece of work done when it is handed over (deterministic tests).
 */
final class ModelThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelThread.class);
    private static final long STOP_TIMEOUT_S = 60;

    private final ExecutorService executor;
    private final MailboxExecutor mailbox;

    private ModelThread(ExecutorService executor, MailboxExecutor mailbox) {
        this.executor = executor;
        this.mailbox = mailbox;
    }

    /**
     * The model thread of an inference operator: with {@code ownThread} a thread of its own named after the subtask
     * ({@code clipstream-inference-N}), else the task thread; results come back through the operator's mailbox.
     */
    static ModelThread of(AbstractStreamOperator<?> operator, boolean ownThread) {
        MailboxExecutor mailbox = operator.getContainingTask().getMailboxExecutorFactory()
                .createExecutor(operator.getOperatorConfig().getChainIndex());
        return ownThread
                ? start("clipstream-inference-" + operator.getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                        mailbox)
                : onTaskThread(mailbox);
    }

    /** A thread of its own, named {@code name} (a daemon: a stuck model does not keep the JVM alive). */
    static ModelThread start(String name, MailboxExecutor mailbox) {
        return new ModelThread(Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        }), mailbox);
    }

    /** Everything on the calling thread. */
    static ModelThread onTaskThread(MailboxExecutor mailbox) {
        return new ModelThread(null, mailbox);
    }

    /** Whether the model runs on a thread of its own. */
    boolean separate() {
        return executor != null;
    }

    /** Opens the model on the model thread and waits for it; the opener's exception is thrown here. */
    <S> S open(Callable<S> opener) throws Exception {
        if (executor == null) {
            return opener.call();
        }
        try {
            return executor.submit(opener).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Runs {@code work} on the model thread after what was handed before it; the future holds its result or its
     * failure. With a thread of its own, {@code then} runs afterwards on the task thread, through the mailbox (not
     * at all once the task is shutting down); on the task thread the future is done when this returns and the
     * caller goes on itself.
     */
    <R> CompletableFuture<R> run(Callable<R> work, ThrowingRunnable<? extends Exception> then, String description) {
        CompletableFuture<R> result = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
            if (executor != null) {
                try {
                    mailbox.execute(then::run, description);
                } catch (RuntimeException closing) {
                    // the task is shutting down: nothing is emitted any more
                }
            }
        };
        if (executor == null) {
            task.run();
        } else {
            executor.execute(task);
        }
        return result;
    }

    /**
     * The result of a batch's work that is done; the model's failure as an {@link IllegalStateException} that says how
     * many {@code items} the batch held.
     */
    static <R> R outcome(CompletableFuture<R> done, int size, String items) throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("The model failed on a batch of " + size + " " + items + ": "
                    + e.getCause(), e.getCause());
        }
    }

    /** One step of waiting on the task thread: runs one mailbox action (a result coming back, a timer). */
    void yieldToMailbox() throws InterruptedException {
        mailbox.yield();
    }

    /** Lets the work handed over finish (the model must not be closed under it), then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        if (!executor.awaitTermination(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
            LOG.warn("The model did not finish its work within {} s of the operator closing", STOP_TIMEOUT_S);
        }
    }
}

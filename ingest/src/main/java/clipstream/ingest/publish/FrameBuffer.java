package clipstream.ingest.publish;

import clipstream.schema.Frame;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between a camera thread and its publisher thread. When full, {@link OverflowPolicy#BLOCK}
 * makes the camera wait and {@link OverflowPolicy#DROP_OLDEST} drops the oldest frame and counts it.
 * {@link #close()} ends the stream: the publisher drains what is left, a blocked camera is released.
 */
public final class FrameBuffer {
    private final int capacity;
    private final OverflowPolicy policy;
    private final ArrayDeque<Frame> frames;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean closed;
    private long dropped;

    public FrameBuffer(int capacity, OverflowPolicy policy) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Buffer capacity must be at least 1 frame, got " + capacity);
        }
        this.capacity = capacity;
        this.policy = policy;
        this.frames = new ArrayDeque<>(capacity);
    }

    /**
     * Adds a frame, waiting for room or dropping the oldest as the policy says.
     *
     * @return false if the buffer was closed (the publisher is gone): the frame was not taken
     */
    public boolean put(Frame frame) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && frames.size() >= capacity) {
                if (policy == OverflowPolicy.DROP_OLDEST) {
                    frames.pollFirst();
                    dropped++;
                } else {
                    notFull.await();
                }
            }
            if (closed) {
                return false;
            }
            frames.addLast(frame);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest frame, waiting up to {@code timeout}; null if none came in time or the buffer is closed and empty
     * (tell them apart with {@link #drained()}).
     */
    public Frame poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (frames.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            Frame frame = frames.pollFirst();
            if (frame != null) {
                notFull.signal();
            }
            return frame;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream: no more puts; what is buffered can still be polled. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closed and empty: the publisher is done. */
    public boolean drained() {
        lock.lock();
        try {
            return closed && frames.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Frames dropped because the buffer was full (DROP_OLDEST only). */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return frames.size();
        } finally {
            lock.unlock();
        }
    }

    public OverflowPolicy policy() {
        return policy;
    }
}

package dev.tern.milter;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Closes a channel when the operation in progress outlives its deadline. Blocking channel I/O has no timeout of
 * its own (a write to a filter that stopped reading would wait for ever, and UNIX sockets have no SO_TIMEOUT);
 * closing the channel from another thread makes the blocked read, write or connect fail at once.
 *
 * <p>Owns one virtual thread, which ends on {@link #close()}.
 */
final class Watchdog implements AutoCloseable {
    private static final long DISARMED = Long.MAX_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AutoCloseable target;
    private long deadline = DISARMED;
    private boolean fired;
    private boolean closed;

    Watchdog(AutoCloseable target, String name) {
        this.target = target;
        Thread.ofVirtual().name("milter-watchdog-" + name).start(this::watch);
    }

    /** Starts (or restarts) the clock for the operation about to begin. */
    void arm(long timeoutNanos) {
        lock.lock();
        try {
            deadline = System.nanoTime() + timeoutNanos;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void disarm() {
        lock.lock();
        try {
            deadline = DISARMED;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the watchdog closed the channel: an I/O failure after this is a timeout. */
    boolean fired() {
        lock.lock();
        try {
            return fired;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void watch() {
        boolean expired = false;
        lock.lock();
        try {
            // Ends when closed or when it fires once; each wait is bounded by the deadline or a signal.
            while (!closed && !expired) {
                long now = System.nanoTime();
                if (deadline == DISARMED) {
                    changed.await();
                } else if (now - deadline >= 0) {
                    fired = true;
                    expired = true;
                } else {
                    changed.awaitNanos(deadline - now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            lock.unlock();
        }
        if (expired) closeTarget();
    }

    private void closeTarget() {
        try {
            target.close();
        } catch (Exception e) { // ignored: the channel is abandoned anyway, and its owner reports the timeout
        }
    }
}

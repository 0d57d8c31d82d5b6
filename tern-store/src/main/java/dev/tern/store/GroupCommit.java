package dev.tern.store;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of a folder's index log ({@code docs/store.md}): writers append their transactions' frames one
 * after another (under the folder's commit lock, without an fsync) and {@link #enqueue} a ticket for each; then
 * each waits in {@link #await}. The first waiter that finds no fsync under way leads: it takes every ticket queued
 * so far (their frames are all in the file), forces the log once, and hands the batch, in log order, to
 * {@link Batches#durable} (which applies them to the in-memory index and tells the watchers) or, if the fsync
 * failed, to {@link Batches#failed}; the others wait for that and for the next round. So a transaction is
 * applied, seen and answered only after an fsync that began after its frame was written, transactions are
 * applied and announced in log order, and concurrent writers share one fsync per round, as the spool's
 * {@code SegmentLog} and {@link DirectorySync} share theirs.
 *
 * <p>Shared state is behind one lock; the fsync and the callbacks run outside it, on the leader's thread, one
 * round at a time.
 *
 * @param <T> the folder's transaction tickets
 */
final class GroupCommit<T extends GroupCommit.Ticket> {
    /** One transaction waiting for durability. Fields guarded by the group commit's lock. */
    static class Ticket {
        boolean done; // guarded by the group commit's lock, like failure
        IOException failure;
    }

    /** What a round does: force the log, then apply a durable batch or fail one. */
    interface Batches<T> {
        void force() throws IOException;

        /** The batch is durable: apply it, in order, and tell the watchers. Must not throw. */
        void durable(List<T> batch);

        /** The fsync failed: nothing of the batch may be handed out. Must not throw. */
        void failed(List<T> batch, IOException failure);
    }

    private final Batches<T> batches;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private T last; // the last ticket enqueued
    private boolean leading;
    private long rounds;

    GroupCommit(Batches<T> batches) {
        this.batches = batches;
    }

    /** Queues a ticket whose frame is written; a ticket that already failed ({@link #fail}) goes through too. */
    void enqueue(T ticket) {
        lock.lock();
        try {
            queue.addLast(ticket);
            last = ticket;
        } finally {
            lock.unlock();
        }
    }

    /** Marks a ticket failed before it is queued: its write failed (it still passes in log order). */
    void fail(T ticket, IOException failure) {
        lock.lock();
        try {
            ticket.failure = failure;
        } finally {
            lock.unlock();
        }
    }

    /** Returns once {@code ticket}'s transaction is durable and applied; throws if it is not. */
    void await(T ticket) throws IOException {
        lock.lock();
        try {
            while (!ticket.done) {
                if (!leading) {
                    if (queue.isEmpty()) throw new IllegalStateException("awaited a ticket that was never queued");
                    lead();
                } else {
                    // Bounded: the round under way ends when its fsync and callbacks return; then one of us leads.
                    finished.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (ticket.failure != null) throw new IOException("the folder's index log could not be written", ticket.failure);
    }

    /** Waits until every ticket queued before this call is durable (or failed); nothing to do when none is. */
    void awaitQueued() throws IOException {
        T target;
        lock.lock();
        try {
            target = last;
        } finally {
            lock.unlock();
        }
        if (target != null) await(target);
    }

    /** How many rounds (fsyncs) have run (tests and measurements). */
    long rounds() {
        lock.lock();
        try {
            return rounds;
        } finally {
            lock.unlock();
        }
    }

    /** One round: called and returns holding the lock, which it releases during the fsync and the callbacks. */
    private void lead() {
        leading = true;
        List<T> batch = new ArrayList<>(queue);
        queue.clear();
        rounds++;
        lock.unlock();
        IOException failure = null;
        try {
            boolean anyWritten = false;
            for (T ticket : batch) anyWritten |= ticketFailure(ticket) == null;
            if (anyWritten) {
                try {
                    batches.force();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure == null) batches.durable(batch);
            else batches.failed(batch, failure);
        } catch (RuntimeException e) {
            // A bug while applying the batch: its writers are told (not left waiting for ever, with the next
            // leader never chosen: found by review).
            failure = new IOException("applying a committed batch failed: " + e, e);
        } finally {
            lock.lock();
        }
        for (T ticket : batch) {
            if (failure != null && ticket.failure == null) ticket.failure = failure;
            ticket.done = true;
        }
        leading = false;
        finished.signalAll();
    }

    /** A ticket's failure, read under the lock (the leader runs its callbacks outside it). */
    IOException ticketFailure(T ticket) {
        lock.lock();
        try {
            return ticket.failure;
        } finally {
            lock.unlock();
        }
    }
}

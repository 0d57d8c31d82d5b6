package dev.tern.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of one directory's fsync, the way the spool shares the fsync of its log: concurrent deliveries
 * into one mailbox each rename a file into {@code new/} and then need {@code new/} on disk, and one fsync that
 * starts after all their renames serves them all. A burst into one mailbox then costs about one directory
 * fsync per round instead of one per message.
 *
 * <p>{@link #sync} returns once an fsync of the directory that started after the call began has succeeded, so
 * every entry changed before the call is durable; if that fsync fails, every caller it would have served gets
 * the failure. The caller that finds no fsync under way runs it on its own thread; the others wait. Shared
 * state is behind one lock, and the fsync itself runs outside it.
 */
final class DirectorySync {
    private final Path directory;
    private final Flush flush;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    /** The round that callers arriving now join: its fsync has not started yet. */
    private Round open = new Round();
    private boolean syncing;

    /** One fsync and the callers it serves. Fields guarded by {@link #lock}. */
    private static final class Round {
        boolean done;
        Exception failure;
    }

    /** What a round runs on the directory: its fsync ({@link #force}); tests hold a round open with their own. */
    @FunctionalInterface
    interface Flush {
        void run(Path directory) throws IOException;
    }

    DirectorySync(Path directory) {
        this(directory, DirectorySync::force);
    }

    DirectorySync(Path directory, Flush flush) {
        this.directory = directory;
        this.flush = flush;
    }

    /** Makes every entry created, renamed or removed in the directory before this call durable. */
    void sync() throws IOException {
        Round mine;
        lock.lock();
        try {
            mine = open;
            while (!mine.done) {
                if (!syncing && open == mine) {
                    lead(mine);
                } else {
                    // Bounded: the round under way ends when its fsync returns, and then one of us leads ours.
                    finished.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            // A fresh exception per caller, so each stack trace shows its own delivery.
            throw new IOException("fsync of " + directory.getFileName() + "/ failed", mine.failure);
        }
    }

    /** How many callers wait for a round to finish (for tests). */
    int waiting() {
        lock.lock();
        try {
            return lock.getWaitQueueLength(finished);
        } finally {
            lock.unlock();
        }
    }

    /** Runs the fsync of {@code round}, with the lock released meanwhile; called and returns holding it. */
    private void lead(Round round) {
        syncing = true;
        open = new Round(); // callers arriving from now on may have renamed after our fsync begins
        Exception failure = null;
        lock.unlock();
        try {
            flush.run(directory);
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            lock.lock();
        }
        round.failure = failure;
        round.done = true;
        syncing = false;
        finished.signalAll();
    }

    /** Forces a directory's entries to disk (Linux allows fsync on a directory opened for reading). */
    static void force(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}

package dev.tern.spool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free-space reserve as the accept path checks it: the file system's usable space, measured (one
 * {@code statvfs}) at most every {@link #REFRESH_NANOS}, less what the log appended since. So a check that
 * finds room costs a clock read and a few volatile reads, and a burst between two measurements is still
 * counted. Space freed meanwhile (reclaimed segments, deleted spill files, other programs) is not in the
 * estimate, so before refusing it measures again: a refusal is always made on a fresh measurement (one
 * system call, next to the message transfer it refuses). Thread-safe.
 */
final class FreeSpace {
    static final long REFRESH_NANOS = 100_000_000L;
    private static final Logger log = LoggerFactory.getLogger(FreeSpace.class);

    private record Sample(long usable, long appendedThen, long atNanos) {}

    private final FileStore store;
    private final long reserve;
    private final AtomicLong appended = new AtomicLong();
    private volatile Sample sample;
    private volatile boolean failureLogged;

    FreeSpace(Path directory, long reserve) throws IOException {
        this.store = Files.getFileStore(directory);
        this.reserve = reserve;
        this.sample = measure(System.nanoTime());
    }

    /** True when {@code bytes} more would still leave the reserve free; always true without a reserve. */
    boolean hasRoomFor(long bytes) {
        if (reserve == 0) return true;
        long now = System.nanoTime();
        Sample s = sample;
        // Two threads may measure at once at an interval's end; both results are right, the last one stays.
        if (now - s.atNanos() >= REFRESH_NANOS) s = measure(now);
        if (estimate(s) - bytes >= reserve) return true;
        return estimate(measure(now)) - bytes >= reserve;
    }

    private long estimate(Sample s) {
        return s.usable() - (appended.get() - s.appendedThen());
    }

    /** The log appended {@code bytes} (called by the committer after each batch). */
    void appended(long bytes) {
        appended.addAndGet(bytes);
    }

    private Sample measure(long now) {
        long before = appended.get();
        long usable;
        try {
            usable = store.getUsableSpace();
            failureLogged = false;
        } catch (IOException e) {
            // Unknown is not full: the write itself still fails with ENOSPC (452) if the disk is.
            if (!failureLogged) log.warn("spool cannot measure free space; reserve not checked: {}", e.toString());
            failureLogged = true;
            usable = Long.MAX_VALUE / 2;
        }
        Sample fresh = new Sample(usable, before, now);
        sample = fresh;
        return fresh;
    }
}

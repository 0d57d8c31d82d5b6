package dev.tern.spool;

import dev.tern.mail.QueueId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees segments kept only by a few long-retrying messages: their live messages are written again at the
 * log's end (with their state), after which the old segment, and the finished ones behind it, can go.
 *
 * <p>Without it one message retried for five days keeps five days of segments on disk, since space is
 * reclaimed oldest segment first. A segment is compacted only when it is sealed and its live content is under
 * half its size (mostly dead); a busy segment is left alone, as moving it would cost more than it frees.
 *
 * <ul>
 *   <li>At open, every such segment is compacted.
 *   <li>While running, {@link #afterChange} (called by the spool at the end of {@code complete} and
 *       {@code defer}) looks once per sealed segment (sealed at {@code segmentBytes}, or once mostly finished and
 *       {@code reclaimAfter} old; see {@link SegmentLog}): it
 *       compacts the oldest sealed segments, in order, while each is mostly dead, and stops at the first busy
 *       one, since space is reclaimed oldest first and nothing younger than a busy segment could go anyway.
 * </ul>
 *
 * <p>Compaction has no thread of its own: it runs on the thread whose {@code complete} or {@code defer}
 * noticed a new seal (a delivery thread; at most about half a segment is copied per segment freed), after
 * that call's own record is durable. One compaction runs at a time; a thread finding one under way goes on
 * without waiting. A failure is logged and leaves everything as it was: the old copies stay until a later
 * compaction moves them, or their messages finish.
 */
final class Compaction {
    private static final Logger log = LoggerFactory.getLogger(Compaction.class);

    private final Spool spool;
    private final Segments segments;
    /** Held while compacting: one compaction at a time, so that no message is moved by two at once. */
    private final ReentrantLock running = new ReentrantLock();
    /** {@link Segments#seals()} when compaction last looked. Written only with {@link #running} held. */
    private volatile long sealsSeen;

    Compaction(Spool spool, Segments segments) {
        this.spool = spool;
        this.segments = segments;
        this.sealsSeen = segments.seals();
    }

    /** At open: compacts every sealed segment that is mostly dead. */
    void atOpen() throws IOException {
        running.lock();
        try {
            sealsSeen = segments.seals();
            for (long number : segments.sealedAndPinned()) compactIfMostlyDead(number);
        } finally {
            running.unlock();
        }
    }

    /**
     * While running, after a state change: if a segment was sealed since the last look, compacts the oldest
     * segments (see the class comment). Otherwise costs one volatile read and one short lock. Never throws:
     * the caller's own change is already durable.
     */
    void afterChange() {
        if (segments.seals() == sealsSeen || !running.tryLock()) return;
        try {
            long seals = segments.seals();
            if (seals == sealsSeen) return;
            sealsSeen = seals;
            oldest();
        } catch (IOException | RuntimeException e) {
            log.warn("spool compaction failed; will try again after the next segment is sealed", e);
        } finally {
            running.unlock();
        }
    }

    /** Compacts the oldest sealed segments while each is mostly dead (the run-time rule), now. */
    void oldestNow() throws IOException {
        running.lock();
        try {
            oldest();
        } finally {
            running.unlock();
        }
    }

    private void oldest() throws IOException {
        for (long number : segments.sealedAndPinned()) {
            if (!compactIfMostlyDead(number)) return;
        }
    }

    /** @return false when the segment is busy (half or more of it live) and was left alone */
    private boolean compactIfMostlyDead(long number) throws IOException {
        Path path = segments.path(number);
        Map<QueueId, Long> live = spool.liveIn(number);
        if (live.isEmpty()) return true; // finished meanwhile; it goes once the last release is through
        long liveBytes = live.values().stream().mapToLong(Long::longValue).sum();
        try {
            if (liveBytes * 2 >= Files.size(path)) return false;
            log.info("spool compaction moving messages={} segment={}", live.size(), number);
            // The copies are read through this channel, which stays readable even if the file is deleted
            // meanwhile (its messages finished): POSIX keeps an unlinked file until its last descriptor closes.
            try (var source = FileChannel.open(path, StandardOpenOption.READ)) {
                spool.relocate(number, List.copyOf(live.keySet()), source);
            }
        } catch (NoSuchFileException e) {
            // Every message of it finished and it was reclaimed between liveIn and here: nothing to move.
        }
        return true;
    }
}

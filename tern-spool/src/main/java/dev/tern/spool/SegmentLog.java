package dev.tern.spool;

import dev.tern.mail.Telemetry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of the segment log, with group commit.
 *
 * <p>Owns one platform thread, the committer. Callers {@link #append} a record and wait on the returned
 * future; the committer takes everything queued, writes it with as few system calls as it can, calls
 * {@code fdatasync} once for the whole batch, and only then completes the futures. The disk does about ten
 * times more appends+fsync per second when concurrent writers share one flush (BENCHMARKS.md), and a single
 * writer makes the file order equal to the order of {@code append} calls, which the spool relies on.
 *
 * <p>The active segment is created with the first record after open (so that opening needs no free space),
 * and replaced by a new one (the old one sealed) when it reaches {@code segmentBytes}, or, so that delivered
 * content does not wait for that, once it is {@code reclaimAfter} old and its live content is under half of
 * it: then its space comes back as soon as its last live message finishes or is moved by compaction. That
 * check is made before each batch and, while idle, by the committer waking every {@code reclaimAfter}; an idle
 * roll also deletes what it made deletable. At most one such roll per {@code reclaimAfter}.
 *
 * <p>A batch that fails to write or flush fails all its records, and the file is cut back to where the batch
 * began, so that neither recovery nor the next batch sees a partial record. If even that fails, the log stops
 * accepting records: what is on disk past the last good batch is then unknown, and only a restart, which
 * checks every record's CRC, can tell.
 */
final class SegmentLog implements AutoCloseable {
    /** Where a durable record lies: its segment, and where its content (if any) starts. */
    record Location(long segment, long contentPosition) {}

    private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);

    private record Append(LogRecord record, Content content, CompletableFuture<Location> done) {}

    private final Segments segments;
    private final boolean fsync;
    private final long segmentBytes;
    private final long reclaimAfterNanos;
    private final FreeSpace freeSpace;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Append> queue = new ArrayDeque<>(); // guarded by lock
    private boolean closing; // guarded by lock
    private IOException broken; // guarded by lock
    private final Thread committer;
    private final Telemetry telemetry;

    // Touched by the committer thread only (and by the constructor before it starts).
    private long nextNumber;
    private long activeNumber;
    private FileChannel active; // null until the first record after open
    private long activeSince;
    private long end;

    /**
     * @param firstNumber the number of the first segment this log creates
     * @param freeSpace   told of every byte appended, so that its estimate between measurements is right
     */
    SegmentLog(Segments segments, long firstNumber, SpoolSettings settings, FreeSpace freeSpace) {
        this(segments, firstNumber, settings, freeSpace, Telemetry.NONE);
    }

    /** As above; {@code telemetry} is told how long each batch's fsync took. */
    SegmentLog(Segments segments, long firstNumber, SpoolSettings settings, FreeSpace freeSpace, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.segments = segments;
        this.fsync = settings.fsync();
        this.segmentBytes = settings.segmentBytes();
        this.reclaimAfterNanos = settings.reclaimAfter().toNanos();
        this.freeSpace = freeSpace;
        this.nextNumber = firstNumber;
        this.committer = Thread.ofPlatform().name("tern-spool-committer").daemon().unstarted(this::run);
        committer.start();
    }

    /**
     * Queues {@code record} (with {@code content} right after it, for a message). Records reach the file in
     * the order of the calls. The future completes once the record is durable, or fails with the IOException
     * that prevented it.
     */
    CompletableFuture<Location> append(LogRecord record, Content content) throws IOException {
        var append = new Append(record, content, new CompletableFuture<>());
        lock.lock();
        try {
            if (broken != null) throw new IOException("spool log failed earlier; restart to recover", broken);
            if (closing) throw new IOException("spool closed");
            queue.addLast(append);
            work.signal();
        } finally {
            lock.unlock();
        }
        return append.done;
    }

    /** Waits for {@code future} uninterruptibly (the outcome is only milliseconds away) and unwraps it. */
    static Location await(CompletableFuture<Location> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw SpoolFullException.ifNoSpace(io);
            throw e;
        }
    }

    /** Writes what is queued, then stops the committer. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (committer.isAlive()) {
            try {
                committer.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first: the committer may hold records someone waits for
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (active != null) active.close();
    }

    private void run() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing && !rollDue()) awaitWork();
                if (queue.isEmpty() && closing) return;
                batch.addAll(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            if (batch.isEmpty()) {
                rollIdle();
            } else {
                commit(batch);
                batch.clear();
            }
        }
    }

    /** Waits for work; while the active segment holds records, at most {@code reclaimAfter} (to check again). */
    private void awaitWork() {
        if (active == null || end <= Segments.HEADER_BYTES) {
            work.awaitUninterruptibly();
            return;
        }
        try {
            work.awaitNanos(reclaimAfterNanos);
        } catch (InterruptedException e) {
            // Nobody interrupts the committer; were it to happen, looking again at once is harmless.
        }
    }

    /** True when the active segment holds records, is {@code reclaimAfter} old and mostly finished. */
    private boolean rollDue() {
        return active != null && end > Segments.HEADER_BYTES && System.nanoTime() - activeSince >= reclaimAfterNanos
                && segments.mostlyDead(activeNumber, end);
    }

    /** While idle: seals the mostly finished active segment and deletes what that made deletable. */
    private void rollIdle() {
        // Whatever happens below, the next look is one reclaimAfter away: a full disk or a broken log must not
        // make the committer spin.
        activeSince = System.nanoTime();
        lock.lock();
        try {
            if (broken != null) return;
        } finally {
            lock.unlock();
        }
        rollOptional();
        try {
            segments.reclaim();
        } catch (IOException e) {
            // Not fatal: the next release, or the next open, deletes what is left.
            log.warn("spool cannot delete finished segments: {}", e.toString());
        }
    }

    private void commit(List<Append> batch) {
        long start = end;
        List<Location> locations;
        try {
            lock.lock();
            try {
                if (broken != null) throw new IOException("spool log failed earlier; restart to recover", broken);
            } finally {
                lock.unlock();
            }
            if (active == null || end >= segmentBytes) {
                roll();
            } else if (rollDue()) {
                rollOptional();
            }
            start = end;
            locations = write(batch);
            if (fsync) {
                long before = System.nanoTime();
                active.force(false);
                telemetry.fsync(System.nanoTime() - before);
            }
            freeSpace.appended(end - start);
        } catch (IOException | RuntimeException e) {
            undo(start, e);
            for (Append append : batch) append.done.completeExceptionally(e);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            // Pinned before the caller hears of it, and before any roll could seal the segment.
            if (batch.get(i).record instanceof LogRecord.Message m) {
                segments.pin(locations.get(i).segment(), m.contentLength());
            }
            batch.get(i).done.complete(locations.get(i));
        }
    }

    /**
     * Rolls only to give space back sooner: if that fails (a full disk), the batch goes on in the active
     * segment, whose last page may still hold it, and the next try is one reclaimAfter away.
     */
    private void rollOptional() {
        try {
            roll();
        } catch (IOException e) {
            activeSince = System.nanoTime();
            log.warn("spool cannot start a new segment to reclaim space: {}", e.toString());
        }
    }

    /** Starts the next segment (sealing the active one, if any). */
    private void roll() throws IOException {
        FileChannel next = segments.createActive(nextNumber);
        if (active != null) active.close();
        active = next;
        activeNumber = nextNumber++;
        activeSince = System.nanoTime();
        end = Segments.HEADER_BYTES;
        freeSpace.appended(Segments.HEADER_BYTES);
    }

    /** Writes the batch at {@code end}, gathering in-memory parts into few writes, and advances {@code end}. */
    private List<Location> write(List<Append> batch) throws IOException {
        List<Location> locations = new ArrayList<>(batch.size());
        List<ByteBuffer> gathered = new ArrayList<>();
        long position = end;
        active.position(position);
        for (Append append : batch) {
            byte[] frame = RecordCodec.encode(append.record);
            gathered.add(ByteBuffer.wrap(frame));
            position += frame.length;
            locations.add(new Location(activeNumber, position));
            position = gather(append.content, gathered, position);
        }
        writeGathered(gathered);
        end = position;
        return locations;
    }

    /** Adds {@code content} at {@code position}: in memory to {@code gathered}, a file region copied now. */
    private long gather(Content content, List<ByteBuffer> gathered, long position) throws IOException {
        switch (content) {
            case Content.Bytes bytes -> {
                if (bytes.used() > 0) gathered.add(ByteBuffer.wrap(bytes.array(), 0, bytes.used()));
            }
            case Content.Region region -> {
                writeGathered(gathered);
                copy(region, position);
                active.position(position + region.length());
            }
            case Content.Headed headed -> {
                if (headed.head().length > 0) gathered.add(ByteBuffer.wrap(headed.head()));
                return gather(headed.rest(), gathered, position + headed.head().length);
            }
        }
        return position + content.length();
    }

    private void writeGathered(List<ByteBuffer> buffers) throws IOException {
        ByteBuffer[] array = buffers.toArray(ByteBuffer[]::new);
        long remaining = 0;
        for (ByteBuffer buffer : array) remaining += buffer.remaining();
        while (remaining > 0) remaining -= active.write(array);
        buffers.clear();
    }

    private void copy(Content.Region region, long at) throws IOException {
        region.channel().position(region.position());
        long done = 0;
        while (done < region.length()) {
            long n = active.transferFrom(region.channel(), at + done, region.length() - done);
            if (n <= 0) throw new IOException("content file ended early");
            done += n;
        }
    }

    /** Cuts the file back to where the failed batch began; if that fails, stops the log. */
    private void undo(long start, Exception cause) {
        if (active == null) return; // no segment could be created: nothing was written
        try {
            active.truncate(start);
            if (fsync) active.force(false);
            end = start;
        } catch (IOException e) {
            e.addSuppressed(cause);
            lock.lock();
            try {
                broken = e;
            } finally {
                lock.unlock();
            }
        }
    }
}

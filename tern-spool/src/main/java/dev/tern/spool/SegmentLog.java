package dev.tern.spool;

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

/**
 * The append side of the segment log, with group commit.
 *
 * <p>Owns one platform thread, the committer. Callers {@link #append} a record and wait on the returned
 * future; the committer takes everything queued, writes it with as few system calls as it can, calls
 * {@code fdatasync} once for the whole batch, and only then completes the futures. The disk does about ten
 * times more appends+fsync per second when concurrent writers share one flush (BENCHMARKS.md), and a single
 * writer makes the file order equal to the order of {@code append} calls, which the spool relies on.
 *
 * <p>A batch that fails to write or flush fails all its records, and the file is cut back to where the batch
 * began, so that neither recovery nor the next batch sees a partial record. If even that fails, the log stops
 * accepting records: what is on disk past the last good batch is then unknown, and only a restart, which
 * checks every record's CRC, can tell.
 */
final class SegmentLog implements AutoCloseable {
    /** Where a durable record lies: its segment, and where its content (if any) starts. */
    record Location(long segment, long contentPosition) {}

    private record Append(LogRecord record, Content content, CompletableFuture<Location> done) {}

    private final Segments segments;
    private final boolean fsync;
    private final long segmentBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Append> queue = new ArrayDeque<>(); // guarded by lock
    private boolean closing; // guarded by lock
    private IOException broken; // guarded by lock
    private final Thread committer;

    // Touched by the committer thread only (and by the constructor before it starts).
    private long activeNumber;
    private FileChannel active;
    private long end;

    SegmentLog(Segments segments, long firstNumber, boolean fsync, long segmentBytes) throws IOException {
        this.segments = segments;
        this.fsync = fsync;
        this.segmentBytes = segmentBytes;
        this.activeNumber = firstNumber;
        this.active = segments.createActive(firstNumber);
        this.end = Segments.HEADER_BYTES;
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
        active.close();
    }

    private void run() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) work.awaitUninterruptibly();
                if (queue.isEmpty()) return;
                batch.addAll(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            commit(batch);
            batch.clear();
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
            if (end >= segmentBytes) roll();
            start = end;
            locations = write(batch);
            if (fsync) active.force(false);
        } catch (IOException | RuntimeException e) {
            undo(start, e);
            for (Append append : batch) append.done.completeExceptionally(e);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            // Pinned before the caller hears of it, and before any roll could seal the segment.
            if (batch.get(i).record instanceof LogRecord.Message) segments.pin(locations.get(i).segment());
            batch.get(i).done.complete(locations.get(i));
        }
    }

    private void roll() throws IOException {
        FileChannel next = segments.createActive(activeNumber + 1);
        active.close();
        active = next;
        activeNumber++;
        end = Segments.HEADER_BYTES;
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
            switch (append.content) {
                case Content.Bytes bytes -> {
                    if (bytes.used() > 0) gathered.add(ByteBuffer.wrap(bytes.array(), 0, bytes.used()));
                }
                case Content.Region region -> {
                    writeGathered(gathered);
                    copy(region, position);
                    active.position(position + region.length());
                }
            }
            position += append.content.length();
        }
        writeGathered(gathered);
        end = position;
        return locations;
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

package dev.tern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The segment files of the log, oldest first, and how many live messages each one holds (its pins).
 *
 * <p>Space is reclaimed by deleting the oldest segments, in order, once they are sealed (no longer appended
 * to) and pin no live message. Only a prefix may go: a segment's state records can describe messages written
 * in any older segment, so a segment is deleted only after every older one (docs/spool.md, "Reclaiming").
 * Thread-safe.
 */
final class Segments {
    static final int HEADER_BYTES = 16;
    /** Written in new segments; version 1 segments (no attempt history, no flags) are still read. */
    static final int VERSION = 2;
    private static final byte[] MAGIC = {'T', 'E', 'R', 'N', 'S', 'P', 'O', 'L'};
    private static final Pattern NAME = Pattern.compile("segment-(\\d{12})\\.log");

    private static final class Segment {
        final long number;
        int pins;
        long liveBytes;
        boolean sealed;

        Segment(long number, int pins, long liveBytes, boolean sealed) {
            this.number = number;
            this.pins = pins;
            this.liveBytes = liveBytes;
            this.sealed = sealed;
        }
    }

    private final Path directory;
    private final boolean fsync;
    private final UnaryOperator<FileChannel> wrapper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Segment> segments = new ArrayDeque<>(); // guarded by lock
    private long seals; // guarded by lock
    /** Held while choosing and deleting segments, so that deletions happen in segment order. */
    private final ReentrantLock reclaiming = new ReentrantLock();

    Segments(Path directory, boolean fsync) {
        this(directory, fsync, UnaryOperator.identity());
    }

    /** @param wrapper applied to each segment channel opened for appending; tests wrap it to inject faults */
    Segments(Path directory, boolean fsync, UnaryOperator<FileChannel> wrapper) {
        this.directory = directory;
        this.fsync = fsync;
        this.wrapper = wrapper;
    }

    Path path(long number) {
        return directory.resolve("segment-%012d.log".formatted(number));
    }

    /** The numbers of the segment files in {@code directory}, ascending. */
    static List<Long> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> NAME.matcher(p.getFileName().toString()))
                    .filter(java.util.regex.Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        }
    }

    /** True when {@code header} (the first bytes of a segment) names this format and version. */
    static boolean isCurrentHeader(ByteBuffer header) {
        if (header.remaining() < HEADER_BYTES) return false;
        for (int i = 0; i < MAGIC.length; i++) {
            if (header.get(i) != MAGIC[i]) return false;
        }
        int version = header.getInt(MAGIC.length);
        return version == 1 || version == VERSION;
    }

    /** Registers a sealed segment found at open, holding {@code pins} live messages of {@code liveBytes}. */
    void addRecovered(long number, int pins, long liveBytes) {
        lock.lock();
        try {
            segments.addLast(new Segment(number, pins, liveBytes, true));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates segment {@code number} with its header, durably (file and directory fsynced), and makes it the
     * active one; the previous active segment is sealed.
     */
    FileChannel createActive(long number) throws IOException {
        Path path = path(number);
        var channel = wrapper.apply(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        try {
            var header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).putInt(0).flip();
            while (header.hasRemaining()) channel.write(header);
            if (fsync) channel.force(true);
            syncDirectory();
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
        lock.lock();
        try {
            if (!segments.isEmpty() && !segments.getLast().sealed) {
                segments.getLast().sealed = true;
                seals++;
            }
            segments.addLast(new Segment(number, 0, 0, false));
        } finally {
            lock.unlock();
        }
        return channel;
    }

    /** One more live message, of {@code bytes} content, was made durable in segment {@code number}. */
    void pin(long number, long bytes) {
        lock.lock();
        try {
            Segment segment = find(number);
            segment.pins++;
            segment.liveBytes += bytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A message of segment {@code number}, of {@code bytes} content, is finished or moved: deletes the segments
     * no longer needed.
     */
    void release(long number, long bytes) throws IOException {
        lock.lock();
        try {
            Segment segment = find(number);
            if (segment.pins <= 0) throw new IllegalStateException("segment " + number + " has no pins");
            segment.pins--;
            segment.liveBytes -= bytes;
        } finally {
            lock.unlock();
        }
        reclaim();
    }

    /** Deletes the oldest segments while they are sealed and hold no live message. */
    void reclaim() throws IOException {
        reclaiming.lock();
        try {
            List<Long> unneeded = new ArrayList<>();
            lock.lock();
            try {
                while (!segments.isEmpty() && segments.getFirst().sealed && segments.getFirst().pins == 0) {
                    unneeded.add(segments.removeFirst().number);
                }
            } finally {
                lock.unlock();
            }
            for (long number : unneeded) {
                Files.deleteIfExists(path(number));
                // Deleted in order, each durably: were a younger segment's deletion to survive a crash but an
                // older one's not, the older one's messages would lose the state records that finished them.
                syncDirectory();
            }
        } finally {
            reclaiming.unlock();
        }
    }

    /** How many times an active segment was sealed since this object was made; compaction looks again when
     * it changes. */
    long seals() {
        lock.lock();
        try {
            return seals;
        } finally {
            lock.unlock();
        }
    }

    /** True when the live content of segment {@code number} is under half of {@code fileBytes}. */
    boolean mostlyDead(long number, long fileBytes) {
        lock.lock();
        try {
            return find(number).liveBytes * 2 < fileBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The numbers of the sealed segments that still hold live messages, oldest first. */
    List<Long> sealedAndPinned() {
        lock.lock();
        try {
            return segments.stream().filter(s -> s.sealed && s.pins > 0).map(s -> s.number).toList();
        } finally {
            lock.unlock();
        }
    }

    void syncDirectory() throws IOException {
        if (fsync) syncDirectory(directory);
    }

    /** Makes the entries of {@code directory} (created, renamed, deleted files) durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (var channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Segment find(long number) {
        for (Segment segment : segments) {
            if (segment.number == number) return segment;
        }
        throw new IllegalStateException("no segment " + number);
    }
}

package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.mail.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue: the only hand-off between receiving and delivering (see docs/spool.md).
 *
 * <p>Thread-safe. {@link MessageWriter#commit} returns only when content and envelope are on disk (fsynced)
 * and will be found again by {@link #open} after a crash; before that nothing of the message is visible.
 * {@link #complete} and {@link #defer} are durable on return too. Every change is a record appended to a
 * segment log by one committer thread that shares one fsync among all concurrent callers (group commit).
 *
 * <p>A message whose recipients are all final is forgotten at once; its disk space comes back when every
 * message of its segment, and of all older segments, is finished or moved on by {@link Compaction}
 * (docs/spool.md, "Reclaiming"), which runs at open and, while running, on the thread of a {@link #complete}
 * or {@link #defer} once per sealed segment. The active segment is sealed at {@code segmentBytes}, or sooner once
 * it is mostly finished ({@link SpoolSettings#reclaimAfter}), so delivered content leaves the disk within about
 * that time. New mail is refused ({@link SpoolFullException}) below the free-space reserve
 * ({@link SpoolSettings#minFreeBytes}), which is left to delivery and state changes.
 * Only one process may open a spool directory at a time; {@link #open} fails otherwise.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path tmp;
    private final SpoolSettings settings;
    private final FileChannel lockFile;
    private final Segments segments;
    private final SegmentLog log;
    private final Compaction compaction;
    private final FreeSpace freeSpace;
    private final QueueIdSource ids;
    private final List<Consumer<QueueId>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The live messages, oldest first. Guarded by lock, which is also held while appending a state change and
     * while applying it here once durable ({@link QueuedMessage#settle}, in log order), so that memory holds
     * exactly the durable changes, applied in the order the log holds them. */
    private final Map<QueueId, QueuedMessage> messages = new LinkedHashMap<>();

    private Spool(Path directory, SpoolSettings settings, FileChannel lockFile, Segments segments, SegmentLog log,
                  FreeSpace freeSpace, Recovery recovery) {
        this.tmp = directory.resolve("tmp");
        this.settings = settings;
        this.lockFile = lockFile;
        this.segments = segments;
        this.log = log;
        this.freeSpace = freeSpace;
        this.compaction = new Compaction(this, segments);
        this.ids = new QueueIdSource(recovery.newestAccepted().toEpochMilli() + 1);
        for (QueuedMessage message : recovery.live()) messages.put(message.id(), message);
    }

    /**
     * Opens (creating if needed) the spool under {@code directory} and recovers what a crash left: every
     * committed message with a recipient still pending comes back with {@link SpooledMessage#recovered()}
     * true; an unacknowledged torn tail of the log is cut off; spill files are deleted. Opening writes nothing
     * (the first segment of this run is created with its first record), so it succeeds on a full disk: new mail
     * is then refused, while what is queued can be delivered and its space freed. A compaction that fails at open
     * is logged and leaves the old copies where they are.
     *
     * @throws IOException when another process has the spool open, or a segment is of an unknown format
     */
    public static Spool open(Path directory, SpoolSettings settings) throws IOException {
        return open(directory, settings, UnaryOperator.identity(), Telemetry.NONE);
    }

    /** {@link #open}, telling {@code telemetry} how long each of the log's fsyncs takes. */
    public static Spool open(Path directory, SpoolSettings settings, Telemetry telemetry) throws IOException {
        return open(directory, settings, UnaryOperator.identity(), telemetry);
    }

    /** {@link #open} with {@code wrapper} applied to the channels the log appends to: for fault tests. */
    static Spool open(Path directory, SpoolSettings settings, UnaryOperator<FileChannel> wrapper) throws IOException {
        return open(directory, settings, wrapper, Telemetry.NONE);
    }

    private static Spool open(Path directory, SpoolSettings settings, UnaryOperator<FileChannel> wrapper,
                              Telemetry telemetry) throws IOException {
        boolean created = !Files.isDirectory(directory);
        Files.createDirectories(directory.resolve("tmp"));
        if (created && settings.fsync()) Segments.syncDirectory(directory.toAbsolutePath().getParent());
        FileChannel lockFile = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock held;
            try {
                held = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) throw new IOException("spool directory is in use: " + directory);
            emptyTmp(directory.resolve("tmp"));
            var segments = new Segments(directory, settings.fsync(), wrapper);
            Recovery recovery = Recovery.run(directory, segments, settings.fsync());
            segments.reclaim();
            var freeSpace = new FreeSpace(directory, settings.minFreeBytes());
            var log = new SegmentLog(segments, recovery.nextSegment(), settings, freeSpace, telemetry);
            var spool = new Spool(directory, settings, lockFile, segments, log, freeSpace, recovery);
            LOG.info("spool opened pending={}", recovery.live().size());
            try {
                spool.compaction.atOpen();
            } catch (IOException | RuntimeException e) {
                // Not a reason to stay down (a full disk is the usual one): the old copies stay, and a later
                // compaction, or the messages finishing, frees their segments.
                LOG.warn("spool compaction at open failed; queued mail stays where it is: {}", e.toString());
            }
            return spool;
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
    }

    /** Starts a new message with a fresh queue id. */
    public MessageWriter begin() throws IOException {
        QueueId id = ids.next();
        return new MessageWriter(this, id, tmp.resolve(id.value() + ".spill"), settings.memoryBytes());
    }

    /**
     * Calls {@code listener} with the id of every message committed from now on, after it is durable, on the
     * committing thread. A listener must be quick and must not block (signal a queue runner, no more); what
     * it throws is logged and otherwise ignored.
     */
    public void addListener(Consumer<QueueId> listener) {
        listeners.add(listener);
    }

    /** Committed messages that still have recipients to deliver, oldest first, due or not. */
    public List<QueueId> pending() {
        lock.lock();
        try {
            return List.copyOf(messages.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * A committed message's envelope and per-recipient state.
     *
     * @throws NoSuchElementException when no message with a pending recipient has this id
     */
    public SpooledMessage read(QueueId id) throws IOException {
        lock.lock();
        try {
            return require(id).snapshot();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The message content as received (CRLF line endings, starting with Tern's Received: header): exactly
     * {@link SpooledMessage#size()} bytes. Close it. It stays readable even if the message is completed
     * meanwhile.
     *
     * @throws NoSuchElementException when no message with a pending recipient has this id
     */
    public InputStream openContent(QueueId id) throws IOException {
        SegmentLog.Location tried = null;
        while (true) {
            SegmentLog.Location location;
            long size;
            lock.lock();
            try {
                QueuedMessage message = require(id);
                location = message.location();
                size = message.size();
            } finally {
                lock.unlock();
            }
            try {
                var channel = FileChannel.open(segments.path(location.segment()), StandardOpenOption.READ);
                return new ContentStream(channel, location.contentPosition(), size);
            } catch (NoSuchFileException e) {
                // Compaction moved it to a newer segment (the location changes before the old file goes):
                // look again. An open stream is not affected: its channel keeps the deleted file readable.
                if (location.equals(tried)) throw e;
                tried = location;
            }
        }
    }

    /**
     * Recipient {@code index} (of the envelope's recipients) reached its final state; durable on return. A
     * message whose recipients are all final is removed. Completing a recipient already final changes
     * nothing (the first final status stays). If it throws IOException, nothing changed (the message is
     * still pending as before) and it may be retried.
     *
     * @throws NoSuchElementException   when no message with a pending recipient has this id
     * @throws IllegalArgumentException when {@code status} is PENDING or {@code index} is out of range
     */
    public void complete(QueueId id, int index, RecipientState.Status status, String diagnostic) throws IOException {
        if (status == RecipientState.Status.PENDING) throw new IllegalArgumentException("PENDING is not final");
        CompletableFuture<SegmentLog.Location> durable;
        QueuedMessage message;
        lock.lock();
        try {
            message = require(id);
            if (index < 0 || index >= message.recipientCount()) {
                throw new IllegalArgumentException("no recipient " + index + " in " + id);
            }
            durable = log.append(new LogRecord.Complete(id, index, status, diagnostic), Content.NONE);
            message.expect(durable, () -> message.complete(index, status, diagnostic));
        } finally {
            lock.unlock();
        }
        awaitAndSettle(message, durable);
        compaction.afterChange();
    }

    /**
     * Another attempt failed temporarily: counts it, sets the next attempt and gives the pending recipients
     * {@code diagnostic}; durable on return. If it throws IOException, nothing changed and it may be retried.
     *
     * @throws NoSuchElementException when no message with a pending recipient has this id
     */
    public void defer(QueueId id, Instant nextAttempt, String diagnostic) throws IOException {
        CompletableFuture<SegmentLog.Location> durable;
        QueuedMessage message;
        lock.lock();
        try {
            message = require(id);
            durable = log.append(new LogRecord.Defer(id, nextAttempt, diagnostic), Content.NONE);
            message.expect(durable, () -> message.defer(nextAttempt, diagnostic));
        } finally {
            lock.unlock();
        }
        awaitAndSettle(message, durable);
        compaction.afterChange();
    }

    /**
     * Several state changes of one message at once, durable on return, sharing one flush: the attempts of its
     * recipients, their final statuses, a deferral, its flags, applied in the order given. One delivery attempt
     * of a message with many recipients is one call. If it throws IOException, none of the changes that failed
     * to reach the disk is applied (those before the failure may be) and it may be retried: each change is
     * idempotent or only adds history.
     *
     * @throws NoSuchElementException   when no message with a pending recipient has this id
     * @throws IllegalArgumentException when a recipient index is out of range or a completion is PENDING
     */
    public void update(QueueId id, List<Change> changes) throws IOException {
        if (changes.isEmpty()) return;
        CompletableFuture<SegmentLog.Location> last = null;
        QueuedMessage message;
        lock.lock();
        try {
            message = require(id);
            for (Change change : changes) {
                if (change.index() >= message.recipientCount()) {
                    throw new IllegalArgumentException("no recipient " + change.index() + " in " + id);
                }
            }
            int flags = message.flagsExpected();
            for (Change change : changes) {
                if (change instanceof Change.Flagged f) flags = (flags | f.set()) & ~f.clear();
                int absolute = flags;
                last = log.append(change.record(id, absolute), Content.NONE);
                message.expect(last, () -> change.applyTo(message, absolute));
                if (change instanceof Change.Flagged) message.expectFlags(absolute);
            }
        } finally {
            lock.unlock();
        }
        awaitAndSettle(message, last);
        compaction.afterChange();
    }

    /** One state change of a message, for {@link #update}. */
    public sealed interface Change {
        /** Recipient {@code index} was tried: history, and while pending its diagnostic. */
        record Attempted(int index, RecipientState.Attempt attempt) implements Change {}

        /** Recipient {@code index} reached a final status (as {@link #complete}). */
        record Completed(int index, RecipientState.Status status, String diagnostic) implements Change {
            public Completed {
                if (status == RecipientState.Status.PENDING) throw new IllegalArgumentException("PENDING is not final");
            }
        }

        /** The attempt counts as failed; the pending recipients wait until {@code nextAttempt} (as {@link #defer},
         * keeping each recipient's own diagnostic). */
        record Deferred(Instant nextAttempt) implements Change {}

        /**
         * The flags in {@code set} are set and those in {@code clear} cleared ({@link SpooledMessage#HELD},
         * {@link SpooledMessage#DELAY_WARNED}), applied to the flags as they are when the change is made, under the
         * spool's lock: two changes of different bits never undo each other.
         */
        record Flagged(int set, int clear) implements Change {
            public static Flagged setting(int flags) {
                return new Flagged(flags, 0);
            }

            public static Flagged clearing(int flags) {
                return new Flagged(0, flags);
            }
        }

        private int index() {
            return switch (this) {
                case Attempted a -> a.index();
                case Completed c -> c.index();
                case Deferred d -> -1;
                case Flagged f -> -1;
            };
        }

        private LogRecord record(QueueId id, int flags) {
            return switch (this) {
                case Attempted a -> new LogRecord.Attempt(id, a.index(), a.attempt());
                case Completed c -> new LogRecord.Complete(id, c.index(), c.status(), c.diagnostic());
                case Deferred d -> new LogRecord.Defer(id, d.nextAttempt(), "");
                case Flagged f -> new LogRecord.Flags(id, flags);
            };
        }

        private void applyTo(QueuedMessage message, int flags) {
            switch (this) {
                case Attempted a -> message.attempted(a.index(), a.attempt());
                case Completed c -> message.complete(c.index(), c.status(), c.diagnostic());
                case Deferred d -> message.defer(d.nextAttempt(), "");
                case Flagged f -> message.flags(flags);
            }
        }
    }

    /**
     * Waits for a state record of {@code message} and then applies it in memory, or, if it failed, drops it
     * and throws: memory changes only once the record is durable, so a failed {@link #complete} or
     * {@link #defer} leaves the message as it was (still pending, still pinned) and may be retried.
     */
    private void awaitAndSettle(QueuedMessage message, CompletableFuture<SegmentLog.Location> durable)
            throws IOException {
        try {
            SegmentLog.await(durable);
        } catch (IOException | RuntimeException e) {
            try {
                settle(message);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        settle(message);
    }

    /**
     * Applies the changes of {@code message} whose records are durable, in log order; if that finishes the
     * message, forgets it and releases its segment, now that the finishing record is durable. Whichever thread
     * settles the finishing change releases, once: the message leaves the map under the lock.
     */
    private void settle(QueuedMessage message) throws IOException {
        long finishedIn = -1;
        lock.lock();
        try {
            message.settle();
            if (message.isFinished() && messages.get(message.id()) == message) {
                messages.remove(message.id());
                finishedIn = message.location().segment();
            }
        } finally {
            lock.unlock();
        }
        // Released only once the completion is durable: the segment holding the message may go now.
        if (finishedIn >= 0) segments.release(finishedIn, message.size());
    }

    /** Finishes writing what is queued and releases the directory. Writers not yet committed fail. */
    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            lockFile.close();
        }
    }

    /**
     * True when {@code bytes} more content would leave the free-space reserve ({@link SpoolSettings#minFreeBytes})
     * free on the spool's file system. Cheap: see {@link FreeSpace}.
     */
    boolean hasRoomFor(long bytes) {
        return freeSpace.hasRoomFor(bytes);
    }

    /**
     * Called by {@link MessageWriter#commit}: appends the message and waits until it is durable.
     *
     * @throws SpoolFullException when the message would leave less than the reserve free
     */
    void commit(QueueId id, Envelope envelope, Content content, int contentCrc, int flags, boolean fromReserve)
            throws IOException {
        if (!fromReserve && !freeSpace.hasRoomFor(content.length())) {
            throw new SpoolFullException("spool file system below its free-space reserve", null);
        }
        Instant now = Instant.now();
        List<RecipientState> states = envelope.recipients().stream()
                .map(r -> new RecipientState(r, RecipientState.Status.PENDING, "")).toList();
        var record = new LogRecord.Message(id, now, envelope, states, 0, now, content.length(), contentCrc, flags);
        SegmentLog.Location location = SegmentLog.await(log.append(record, content));
        lock.lock();
        try {
            messages.put(id, new QueuedMessage(record, location, false));
        } finally {
            lock.unlock();
        }
        for (Consumer<QueueId> listener : listeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                // The message is durable and will be found by pending(); a listener's bug must not undo the 250.
                LOG.error("id={} spool listener failed", id, e);
            }
        }
    }

    /** Live messages of segment {@code number} with their sizes; for compaction. */
    Map<QueueId, Long> liveIn(long number) {
        lock.lock();
        try {
            Map<QueueId, Long> live = new LinkedHashMap<>();
            for (QueuedMessage m : messages.values()) {
                if (m.location().segment() == number) live.put(m.id(), m.size());
            }
            return live;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes those of messages {@code ids} that are still live and in segment {@code number} again at the log's
     * end, with their current state, reading their content through {@code source} (a channel on that
     * segment); then points them at the new copies and releases the old ones. Called by {@link Compaction},
     * one call at a time; safe while the spool is in use:
     *
     * <ul>
     *   <li>The snapshots are taken and appended under the lock, as every state change is, and only of
     *       messages with no state record in flight (appended, not yet applied), so every change
     *       lies either before a copy in the log (and is in it) or after it (and is replayed onto it).
     *   <li>An old copy is released, and so its segment possibly deleted, only after the new copy is durable;
     *       until then a crash finds both, and replay lets the newer one win (docs/spool.md, "Replay").
     *   <li>A message that finishes while its copy is being written is released from the segment it is in
     *       when its finishing change is applied ({@link #settle}), under the lock: if that is before the move,
     *       the old one, and the new copy's pin is released here instead; if after, the new one, and the old
     *       one is released here as for any moved message. Each copy is pinned once by the committer and
     *       released once.
     *   <li>Readers look a message's location up under the lock and then read their own channel; see
     *       {@link #openContent}.
     * </ul>
     *
     * All copies share the log's flushes. If a copy fails, the others still move and the first failure is
     * thrown; the failed one stays where it was.
     */
    void relocate(long number, List<QueueId> ids, FileChannel source) throws IOException {
        Map<QueuedMessage, CompletableFuture<SegmentLog.Location>> moving = new LinkedHashMap<>();
        lock.lock();
        try {
            for (QueueId id : ids) {
                QueuedMessage message = messages.get(id);
                if (message == null || message.location().segment() != number) continue;
                // A state record of it is in flight: a copy now could lack a change that becomes durable
                // before it, or hold one that fails. It stays where it is; a later compaction moves it.
                if (message.changing()) continue;
                var content = new Content.Region(source, message.location().contentPosition(), message.size());
                moving.put(message, log.append(message.toRecord(), content));
            }
        } finally {
            lock.unlock();
        }
        IOException failed = null;
        for (var entry : moving.entrySet()) {
            SegmentLog.Location moved;
            try {
                moved = SegmentLog.await(entry.getValue());
            } catch (IOException e) {
                // Not durable, so not pinned: the message stays where it was.
                if (failed == null) failed = e;
                continue;
            }
            QueuedMessage message = entry.getKey();
            long release;
            lock.lock();
            try {
                boolean stillLive = messages.get(message.id()) == message;
                release = stillLive ? message.location().segment() : moved.segment();
                if (stillLive) message.moveTo(moved);
            } finally {
                lock.unlock();
            }
            segments.release(release, message.size());
        }
        if (failed != null) throw failed;
    }

    /** Compacts the oldest segments by the run-time rule now, as if a segment had just been sealed; for tests. */
    void compactOldest() throws IOException {
        compaction.oldestNow();
    }

    private QueuedMessage require(QueueId id) {
        QueuedMessage message = messages.get(id);
        if (message == null) throw new NoSuchElementException("no pending message " + id);
        return message;
    }

    private static void emptyTmp(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path file : (Iterable<Path>) files::iterator) Files.deleteIfExists(file);
        }
    }
}

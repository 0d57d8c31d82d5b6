package dev.tern.app.web.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answers given to requests with an {@code Idempotency-Key}, kept 24 hours in {@code <data>/web/idempotency}
 * so a retried request gets the same answer and is not queued twice, across restarts and crashes too.
 *
 * <p>An entry goes through three states, each a line appended to the file (docs/http-api.md, "Idempotency"):
 * {@link State#PENDING} with the queue id the message will have, fsynced before the spool's commit, which commits
 * the message held; {@link State#COMMITTED}, fsynced once the commit returned and before the hold is released (from
 * then on the message may be delivered and leave the spool, and the entry no longer needs it); {@link State#FINISHED}
 * once released, written without an fsync (if it is lost, the release is only done again). A pending entry found
 * after a crash is resolved against the spool by the caller: its message present and held means it was committed,
 * absent that it never was (held, it could not have been delivered).
 *
 * <p>Lines: {@code P|D TAB epoch-seconds TAB api-key-name TAB sha256(idempotency key) TAB sha256(body) TAB queue-id
 * TAB answer} for pending and committed entries, {@code epoch-seconds TAB api-key-name TAB sha256(idempotency key)
 * TAB sha256(body) TAB answer} for finished ones (the format of the lines before the states existed). The file is
 * rewritten without the expired lines when it holds twice as many as are live, and at most {@link #MAX_ENTRIES} are
 * kept (the oldest go first).
 */
final class IdempotencyLog implements AutoCloseable {
    static final Duration RETENTION = Duration.ofHours(24);
    static final int MAX_ENTRIES = 200_000;

    /** Where an entry's message is. */
    enum State {
        /** About to be committed held, or it never was: the spool tells which. */
        PENDING,
        /** Committed held; the hold is still to be released. */
        COMMITTED,
        /** Committed and released (or discarded by the content checks): the answer is final. */
        FINISHED
    }

    /** One remembered answer; {@code id} is the queue id, empty in a finished entry of the old format. */
    record Entry(Instant at, String apiKey, String key, String bodyHash, String id, String answer, State state) {
        Entry in(State next) {
            return new Entry(at, apiKey, key, bodyHash, id, answer, next);
        }
    }

    private final Path file;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private int lines;
    /** Where lines are appended, open from the first append on; a new one after {@link #rewrite}. Guarded by this. */
    private FileChannel channel;
    /** Lines appended since start, and of those the ones known to be on disk: the fsyncs are shared, as the spool's
     * group commit shares its own, by the requests (of other keys) that append while one fsync is under way. */
    private long appended;
    private volatile long durable;
    private final java.util.concurrent.locks.ReentrantLock syncing = new java.util.concurrent.locks.ReentrantLock();

    IdempotencyLog(Path dataDirectory, Clock clock) throws IOException {
        this.file = dataDirectory.resolve("web").resolve("idempotency");
        this.clock = clock;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Entry e = parse(line);
                if (e == null) continue; // a torn last line after a crash: that step was not taken
                String name = e.apiKey() + "\t" + e.key();
                Entry before = entries.get(name);
                // A later state of the same entry keeps its place (insertion order is time order); a new entry
                // for the key (the one before was never committed) goes last.
                if (before == null || !before.id().equals(e.id()) || e.id().isEmpty()) entries.remove(name);
                entries.put(name, e);
                lines++;
            }
        }
        expire();
    }

    private static Entry parse(String line) {
        try {
            if (line.startsWith("P\t") || line.startsWith("D\t")) {
                String[] f = line.split("\t", 7);
                if (f.length != 7 || f[5].isEmpty()) return null;
                return new Entry(Instant.ofEpochSecond(Long.parseLong(f[1])), f[2], f[3], f[4], f[5], f[6],
                        f[0].equals("P") ? State.PENDING : State.COMMITTED);
            }
            String[] f = line.split("\t", 5);
            if (f.length != 5) return null;
            return new Entry(Instant.ofEpochSecond(Long.parseLong(f[0])), f[1], f[2], f[3], "", f[4], State.FINISHED);
        } catch (NumberFormatException e) {
            return null; // a torn line, as above
        }
    }

    private static String line(Entry e) {
        String common = e.at().getEpochSecond() + "\t" + e.apiKey() + "\t" + e.key() + "\t" + e.bodyHash() + "\t";
        return switch (e.state()) {
            case PENDING -> "P\t" + common + e.id() + "\t" + e.answer() + "\n";
            case COMMITTED -> "D\t" + common + e.id() + "\t" + e.answer() + "\n";
            case FINISHED -> common + e.answer() + "\n";
        };
    }

    static String hash(byte[] bytes) {
        return HexFormat.of().formatHex(ApiKeys.sha256Bytes(bytes));
    }

    /** The answer remembered for {@code key} of {@code apiKey}, if it is younger than 24 hours. */
    synchronized Optional<Entry> find(String apiKey, String key) {
        expire();
        return Optional.ofNullable(entries.get(apiKey + "\t" + key));
    }

    /** The entries not finished (after a crash), to be resolved against the spool. */
    synchronized java.util.List<Entry> unfinished() {
        return entries.values().stream().filter(e -> e.state() != State.FINISHED).toList();
    }

    /** Notes, durably, that the message {@code id} with this answer is about to be committed held. */
    Entry pending(String apiKey, String key, String bodyHash, String id, String answer) throws IOException {
        Entry e = new Entry(now(), apiKey, key, bodyHash, id, answer, State.PENDING);
        awaitDurable(append(e));
        return e;
    }

    /** Notes, durably, that the message of a pending entry is committed: its hold may be released after. */
    Entry committed(Entry pending) throws IOException {
        Entry e = pending.in(State.COMMITTED);
        awaitDurable(append(e));
        return e;
    }

    /** Notes that the hold of a committed entry's message was released; no fsync: lost, it is released again. */
    Entry finished(Entry committed) throws IOException {
        Entry e = committed.in(State.FINISHED);
        append(e);
        return e;
    }

    /** Forgets a pending entry whose message was not committed; its line resolves the same way after a restart. */
    synchronized void forget(Entry pending) {
        entries.remove(pending.apiKey() + "\t" + pending.key(), pending);
    }

    /** Remembers a finished answer, durably, before the caller gives it (a message that was not held). */
    void add(String apiKey, String key, String bodyHash, String answer) throws IOException {
        awaitDurable(append(new Entry(now(), apiKey, key, bodyHash, "", answer, State.FINISHED)));
    }

    /** Appends {@code e}'s line (written, not yet fsynced) and remembers it; returns its number for awaitDurable. */
    private synchronized long append(Entry e) throws IOException {
        if (channel == null || !channel.isOpen()) channel = open(); // closed by an interrupt: the file is still there
        ByteBuffer buffer = ByteBuffer.wrap(line(e).getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) channel.write(buffer);
        long number = ++appended;
        // A new state of an entry keeps its place (at() does not change); a new entry's key was not there.
        entries.put(e.apiKey() + "\t" + e.key(), e);
        lines++;
        expire();
        if (lines > 2 * Math.max(1024, entries.size())) rewrite();
        return number;
    }

    /**
     * Returns once line {@code number} is on disk: one fsync covers every line appended before it starts, so a
     * caller that waited for another's finds its own line covered already.
     */
    private void awaitDurable(long number) throws IOException {
        while (durable < number) {
            syncing.lock();
            try {
                if (durable >= number) return;
                FileChannel target;
                long upTo;
                synchronized (this) {
                    target = channel;
                    upTo = appended;
                }
                try {
                    target.force(false);
                } catch (java.nio.channels.ClosedChannelException closed) {
                    // rewrite() replaced the file, durably, with every line appended before it; or an interrupt
                    // closed the channel, and a new one's fsync covers the lines written through the old one.
                    synchronized (this) {
                        if (channel == target) channel = open();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new java.io.InterruptedIOException("interrupted waiting for the idempotency log's fsync");
                    }
                    continue;
                }
                if (upTo > durable) durable = upTo;
            } finally {
                syncing.unlock();
            }
        }
    }

    /** Now, to the second, as the file keeps it: an entry read back after a restart is the one written. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private FileChannel open() throws IOException {
        Files.createDirectories(file.getParent());
        boolean created = !Files.exists(file);
        FileChannel opened = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        // A new file's name must be durable too, before the fsync of its first line counts: else a crash could
        // lose the pending entry, and its message would stay held.
        if (created) {
            try {
                dev.tern.app.DurableFiles.syncDirectory(file.getParent());
            } catch (IOException e) {
                opened.close();
                throw e;
            }
        }
        return opened;
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(RETENTION);
        var it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.at().isBefore(cutoff) || entries.size() > MAX_ENTRIES) it.remove();
            else break; // insertion order is time order
        }
    }

    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries.values()) text.append(line(e));
        dev.tern.app.DurableFiles.replace(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
        lines = entries.size();
        // The new file holds every entry, on disk: appends go to it now. A fsync under way on the old channel ends
        // with ClosedChannelException, and its caller finds its line durable.
        FileChannel old = channel;
        channel = open();
        if (appended > durable) durable = appended;
        if (old != null) old.close();
    }

    /** Closes the log's file (the server stops); an append after this opens it again, as after an interrupt. */
    @Override
    public synchronized void close() throws IOException {
        if (channel != null) channel.close();
    }
}

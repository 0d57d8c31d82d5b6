package dev.tern.spool;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The spool's in-memory view of one live message: its state and where its content lies. Not thread-safe:
 * the spool guards every instance with its lock.
 */
final class QueuedMessage {
    private final QueueId id;
    private final Envelope envelope;
    private final Instant accepted;
    private final List<RecipientState> recipients;
    private final long size;
    private final int contentCrc;
    private final boolean recovered;
    private int attempts;
    private Instant nextAttempt;
    private int flags;
    /** The flags a flag change in flight will set, so a second change builds on it; null when none is. */
    private Integer expectedFlags;
    private SegmentLog.Location location;
    /** State records of this message appended to the log and not yet applied here, in log order. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    private record InFlight(CompletableFuture<SegmentLog.Location> durable, Runnable change) {}

    QueuedMessage(LogRecord.Message record, SegmentLog.Location location, boolean recovered) {
        this.id = record.id();
        this.envelope = record.envelope();
        this.accepted = record.accepted();
        this.recipients = new ArrayList<>(record.recipients());
        this.size = record.contentLength();
        this.contentCrc = record.contentCrc();
        this.recovered = recovered;
        this.attempts = record.attempts();
        this.nextAttempt = record.nextAttempt();
        this.flags = record.flags();
        this.location = location;
    }

    QueueId id() {
        return id;
    }

    Instant accepted() {
        return accepted;
    }

    RecipientState recipient(int index) {
        return recipients.get(index);
    }

    int recipientCount() {
        return recipients.size();
    }

    long size() {
        return size;
    }

    SegmentLog.Location location() {
        return location;
    }

    void moveTo(SegmentLog.Location newLocation) {
        this.location = newLocation;
    }

    /**
     * Applies a final status. Idempotent: a recipient already final keeps its first status, since a status
     * never goes back (that is what keeps a crash from resurrecting a delivered recipient).
     *
     * @return false when {@code index} is not a recipient of this message
     */
    boolean complete(int index, RecipientState.Status status, String diagnostic) {
        if (index < 0 || index >= recipients.size()) return false;
        RecipientState state = recipients.get(index);
        if (state.status() == RecipientState.Status.PENDING) {
            recipients.set(index, state.with(status, diagnostic));
        }
        return true;
    }

    /** Counts a failed attempt; a non-empty diagnostic goes to every recipient still pending. */
    void defer(Instant next, String diagnostic) {
        attempts++;
        nextAttempt = next;
        if (diagnostic.isEmpty()) return;
        recipients.replaceAll(s -> s.status() == RecipientState.Status.PENDING ? s.with(s.status(), diagnostic) : s);
    }

    /** Adds an attempt to recipient {@code index}'s history; false when there is no such recipient. */
    boolean attempted(int index, RecipientState.Attempt attempt) {
        if (index < 0 || index >= recipients.size()) return false;
        recipients.set(index, recipients.get(index).plus(attempt));
        return true;
    }

    void flags(int newFlags) {
        flags = newFlags;
    }

    /** The flags as they will be once every change in flight is applied; the base of the next flag change. */
    int flagsExpected() {
        return expectedFlags != null ? expectedFlags : flags;
    }

    /** A flag change to {@code newFlags} is in flight. */
    void expectFlags(int newFlags) {
        expectedFlags = newFlags;
    }

    int flags() {
        return flags;
    }

    /**
     * A state record of this message was appended (its outcome reported by {@code durable}); {@code change}
     * is to be applied here once it is durable, and dropped if it fails. Call in log order.
     */
    void expect(CompletableFuture<SegmentLog.Location> durable, Runnable change) {
        inFlight.addLast(new InFlight(durable, change));
    }

    /** True while a state record of this message is appended and its outcome not yet applied. */
    boolean changing() {
        return !inFlight.isEmpty();
    }

    /**
     * Applies, in log order, the expected changes whose records are durable, and drops those whose write
     * failed, as far as outcomes are known. The log completes its futures in append order, so once a
     * caller's own future is done, this applies (or drops) everything up to and including its change.
     */
    void settle() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().durable().isDone()) {
            InFlight next = inFlight.removeFirst();
            if (!next.durable().isCompletedExceptionally()) next.change().run();
        }
        if (inFlight.isEmpty()) expectedFlags = null; // applied, or failed and dropped: the flags are as applied
    }

    /** Keeps the final statuses an older copy of this message had (after compaction wrote it again). */
    void keepFinalStatuses(QueuedMessage older) {
        for (int i = 0; i < recipients.size() && i < older.recipients.size(); i++) {
            RecipientState old = older.recipients.get(i);
            if (old.status() != RecipientState.Status.PENDING) complete(i, old.status(), old.diagnostic());
        }
    }

    boolean isFinished() {
        return recipients.stream().noneMatch(s -> s.status() == RecipientState.Status.PENDING);
    }

    SpooledMessage snapshot() {
        return new SpooledMessage(id, envelope, recipients, accepted, attempts, nextAttempt, size, recovered, flags);
    }

    /** This message as a record carrying all its current state, for compaction to write again. */
    LogRecord.Message toRecord() {
        return new LogRecord.Message(id, accepted, envelope, recipients, attempts, nextAttempt, size, contentCrc, flags);
    }
}

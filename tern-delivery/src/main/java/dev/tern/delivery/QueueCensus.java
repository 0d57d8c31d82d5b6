package dev.tern.delivery;

import dev.tern.mail.QueueId;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The queue counted by state and by age for the metrics (docs/metrics.md), kept up to date by the
 * {@link QueueRunner} at each transition (committed, taken for delivery, deferred, held, released, finished), so
 * that reading it never walks the queue: a state's count is one sum, and the age figures walk one bucket per
 * minute of acceptance time still in the queue (at most the queue's lifetime in minutes, 7,200 for five days),
 * whatever the number of messages.
 *
 * <p>Thread-safe without locks: each message's state is one atomic integer, each count a {@link LongAdder}.
 * Ages are to the minute: a message counts as older than an hour once the whole minute it was accepted in is.
 */
public final class QueueCensus {
    /** Where a queued message is. */
    public enum State {
        /** Due for an attempt and waiting for it (new, flushed, released, or waiting for a slot to its destination). */
        QUEUED,
        /** Being delivered now. */
        ACTIVE,
        /** Waiting for its next attempt after a temporary failure. */
        DEFERRED,
        /** Held by the operator ({@code tern queue hold}). */
        HOLD
    }

    private static final int GONE = -1;
    private static final long MINUTE = 60_000;
    private static final State[] STATES = State.values();

    private record Entry(long minute, AtomicInteger state) {}

    private final ConcurrentHashMap<QueueId, Entry> entries = new ConcurrentHashMap<>();
    private final LongAdder[] byState = new LongAdder[STATES.length];
    /** Messages by the minute they were accepted in (epoch minutes); empty buckets go when read. */
    private final ConcurrentSkipListMap<Long, LongAdder> byMinute = new ConcurrentSkipListMap<>();

    QueueCensus() {
        for (int i = 0; i < byState.length; i++) byState[i] = new LongAdder();
    }

    /** A message joins the queue in {@code state}; a message counted already stays as it is. */
    void add(QueueId id, Instant accepted, State state) {
        long minute = Math.floorDiv(accepted.toEpochMilli(), MINUTE);
        if (entries.putIfAbsent(id, new Entry(minute, new AtomicInteger(state.ordinal()))) != null) return;
        byState[state.ordinal()].increment();
        byMinute.computeIfAbsent(minute, m -> new LongAdder()).increment();
    }

    /** A counted message is now in {@code state}; an unknown one is ignored. */
    void move(QueueId id, State state) {
        Entry entry = entries.get(id);
        if (entry == null) return;
        while (true) {
            int old = entry.state().get();
            if (old == GONE || old == state.ordinal()) return;
            if (entry.state().compareAndSet(old, state.ordinal())) {
                byState[old].decrement();
                byState[state.ordinal()].increment();
                return;
            }
        }
    }

    /** A counted message in state {@code from} is now in {@code to}; in any other state it stays. */
    void move(QueueId id, State from, State to) {
        Entry entry = entries.get(id);
        if (entry != null && entry.state().compareAndSet(from.ordinal(), to.ordinal())) {
            byState[from.ordinal()].decrement();
            byState[to.ordinal()].increment();
        }
    }

    /** A message left the queue (all its recipients final, or deleted). */
    void remove(QueueId id) {
        Entry entry = entries.remove(id);
        if (entry == null) return;
        int old = entry.state().getAndSet(GONE);
        if (old == GONE) return;
        byState[old].decrement();
        LongAdder bucket = byMinute.get(entry.minute());
        if (bucket != null) bucket.decrement(); // never absent: a bucket goes only when it counts nothing
    }

    /** Messages in {@code state} now. */
    public long count(State state) {
        return byState[state.ordinal()].sum();
    }

    /** Messages in the queue now, in any state. */
    public long size() {
        long total = 0;
        for (LongAdder adder : byState) total += adder.sum();
        return total;
    }

    /** Messages accepted at least {@code age} before {@code now} (to the minute, see the class comment). */
    public long olderThan(Duration age, Instant now) {
        // A bucket counts when its whole minute lies before now - age.
        long firstYounger = Math.floorDiv(now.toEpochMilli() - age.toMillis(), MINUTE);
        long total = 0;
        for (LongAdder bucket : byMinute.headMap(firstYounger).values()) total += bucket.sum();
        return total;
    }

    /** The age of the oldest message (from the start of the minute it was accepted in), zero when none is queued. */
    public Duration oldest(Instant now) {
        Iterator<Map.Entry<Long, LongAdder>> buckets = byMinute.entrySet().iterator();
        long current = Math.floorDiv(now.toEpochMilli(), MINUTE);
        while (buckets.hasNext()) {
            Map.Entry<Long, LongAdder> bucket = buckets.next();
            if (bucket.getValue().sum() > 0) {
                return Duration.ofMillis(Math.max(0, now.toEpochMilli() - bucket.getKey() * MINUTE));
            }
            // Empty: only minutes before the last two can be dropped, since only a minute that is being accepted
            // in now (or a restart's recovery, before anyone reads) adds to a bucket; an older one only shrinks.
            if (bucket.getKey() < current - 1) buckets.remove();
        }
        return Duration.ZERO;
    }
}

package dev.tern.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the crash test's clients sent and what the server acknowledged. A marker is {@link #sending} before
 * its MAIL command goes out (from then on the server may deliver it) and {@link #acknowledged} only once the
 * 250 after its DATA was read in full. Thread-safe.
 */
final class Ledger {
    /** A message a client started to send, to whom, to which server generation. */
    record Sent(String marker, List<String> recipients, int generation) {}

    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> unexpectedFailures = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acked = lock.newCondition();
    private final Map<Integer, Integer> acksPerGeneration = new HashMap<>(); // guarded by lock
    private int failures; // guarded by lock

    void sending(Sent message) {
        if (sent.putIfAbsent(message.marker(), message) != null) {
            throw new IllegalStateException("marker sent twice: " + message.marker());
        }
    }

    void acknowledged(String marker) {
        acknowledged.add(marker);
        lock.lock();
        try {
            acksPerGeneration.merge(sent.get(marker).generation(), 1, Integer::sum);
            acked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A session ended early. {@code serverUp} says whether its server was still up when the failure was seen:
     * if it was, the failure had nothing to do with a kill, and is kept for the report.
     */
    void failed(ServerSlot.Target target, Exception failure, boolean serverUp) {
        lock.lock();
        try {
            failures++;
        } finally {
            lock.unlock();
        }
        if (serverUp) unexpectedFailures.add("generation " + target.generation() + ": " + failure);
    }

    /** Waits up to {@code timeout} until the server of {@code generation} acknowledged {@code count} messages. */
    boolean awaitAcks(int generation, int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (acksPerGeneration.getOrDefault(generation, 0) < count) {
                if (left <= 0) return false;
                left = acked.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    Optional<Sent> sent(String marker) {
        return Optional.ofNullable(sent.get(marker));
    }

    int sentCount() {
        return sent.size();
    }

    boolean isAcknowledged(String marker) {
        return acknowledged.contains(marker);
    }

    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** How many acknowledged messages each mailbox must end up with. */
    Map<String, Integer> acknowledgedPerMailbox() {
        Map<String, Integer> counts = new HashMap<>();
        for (String marker : acknowledged) {
            for (String mailbox : sent.get(marker).recipients()) counts.merge(mailbox, 1, Integer::sum);
        }
        return counts;
    }

    Map<Integer, Integer> acksPerGeneration() {
        lock.lock();
        try {
            return Map.copyOf(acksPerGeneration);
        } finally {
            lock.unlock();
        }
    }

    int failures() {
        lock.lock();
        try {
            return failures;
        } finally {
            lock.unlock();
        }
    }

    List<String> unexpectedFailures() {
        return new ArrayList<>(unexpectedFailures);
    }
}

package dev.tern.delivery;

import dev.tern.smtp.client.ClientSettings;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Outbound connections kept open between transactions, so that queued mail for a busy destination reuses one
 * instead of opening a connection per message (issue 7; QUEUE-SHAPE.md §2 "Reuse", as Postfix's scache): only
 * for back-to-back or concurrent deliveries, since an idle connection is closed after
 * {@link ConnectionReuse#maxIdle()}. A connection is parked only after a transaction ended with the session
 * ready (never after a site failure, which closes it); the next transaction on it starts with RSET
 * ({@code SmtpClientSession}), the liveness probe: a parked connection that fails it is closed and the delivery
 * goes on over a new one ({@link SmtpConnection}).
 *
 * <p>Keyed by the remote address and port and the {@link ClientSettings} (HELO name, TLS policy, AUTH): a
 * connection opened under one policy never carries mail sent under another. The most recently parked connection
 * of a key is taken first (the likeliest still open); when {@link ConnectionReuse#maxIdleConnections()} are
 * parked, the one idle longest is closed to make room.
 *
 * <p>Owns one virtual reaper thread, started with the first parked connection, which says QUIT to connections
 * idle past their bound; {@link #close()} ends it and closes every parked connection. Thread-safe: one lock over
 * the table, QUIT and close outside it.
 */
final class ConnectionCache implements AutoCloseable {
    /** Which parked connections a delivery may take. */
    record Key(InetSocketAddress address, ClientSettings client, boolean verifiedTls,
               java.util.Optional<java.net.InetAddress> source) {
        Key {
            if (address == null || client == null || source == null) throw new IllegalArgumentException("null key part");
        }

        /** Unverified TLS, the default source address. */
        Key(InetSocketAddress address, ClientSettings client) {
            this(address, client, false, java.util.Optional.empty());
        }
    }

    private final ConnectionReuse bounds;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition parked = lock.newCondition();
    private final Map<Key, ArrayDeque<OpenSession>> idle = new HashMap<>();
    private int count;
    private boolean closed;
    private Thread reaper;

    ConnectionCache(ConnectionReuse bounds) {
        this.bounds = bounds;
    }

    /** A parked connection for {@code key}, now the caller's, if one is within its bounds. */
    Optional<OpenSession> take(Key key) {
        if (!bounds.enabled()) return Optional.empty();
        List<OpenSession> expired = new ArrayList<>();
        OpenSession found = null;
        lock.lock();
        try {
            ArrayDeque<OpenSession> waiting = idle.get(key);
            long now = System.nanoTime();
            while (waiting != null && !waiting.isEmpty() && found == null) {
                OpenSession candidate = waiting.pollLast();
                count--;
                if (usable(candidate, now)) found = candidate;
                else expired.add(candidate);
            }
            if (waiting != null && waiting.isEmpty()) idle.remove(key);
        } finally {
            lock.unlock();
        }
        expired.forEach(OpenSession::quit);
        return Optional.ofNullable(found);
    }

    /**
     * Parks {@code session}, ready for its next transaction; false when its bounds (messages, age) or a closed
     * cache say it should be closed instead, which is then the caller's to do.
     */
    boolean park(Key key, OpenSession session) {
        if (!bounds.enabled()) return false;
        long now = System.nanoTime();
        if (session.transactions >= bounds.maxMessages() || now - session.openedNanos >= bounds.maxAge().toNanos()) {
            return false;
        }
        OpenSession evicted = null;
        lock.lock();
        try {
            if (closed) return false;
            if (count >= bounds.maxIdleConnections()) evicted = removeLongestIdle();
            session.idleSinceNanos = now;
            idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(session);
            count++;
            if (reaper == null) reaper = Thread.ofVirtual().name("smtp-connection-reaper").start(this::reap);
            parked.signal();
        } finally {
            lock.unlock();
        }
        if (evicted != null) evicted.quit();
        return true;
    }

    /** Connections parked now. */
    int idle() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every parked connection (with QUIT) and ends the reaper; later connections are not parked. */
    @Override
    public void close() {
        List<OpenSession> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
            count = 0;
            parked.signal();
        } finally {
            lock.unlock();
        }
        all.forEach(OpenSession::quit);
    }

    private boolean usable(OpenSession session, long now) {
        return now - session.idleSinceNanos < bounds.maxIdle().toNanos()
                && now - session.openedNanos < bounds.maxAge().toNanos();
    }

    /** The reaper: closes what has been idle too long, then sleeps until the next one is due or one is parked. */
    private void reap() {
        List<OpenSession> expired = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                if (closed) return;
                long wait = collectExpired(expired);
                if (expired.isEmpty()) {
                    if (count == 0) parked.await();
                    else parked.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return; // nobody interrupts it but a stopping JVM; parked connections die with the process
            } finally {
                lock.unlock();
            }
            expired.forEach(OpenSession::quit);
            expired.clear();
        }
    }

    /** Under the lock: moves expired connections to {@code into}; the nanoseconds until the next expires. */
    private long collectExpired(List<OpenSession> into) {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Iterator<ArrayDeque<OpenSession>> keys = idle.values().iterator(); keys.hasNext(); ) {
            ArrayDeque<OpenSession> waiting = keys.next();
            // Oldest first: the first still usable ends the scan of this key.
            while (!waiting.isEmpty() && !usable(waiting.peekFirst(), now)) {
                into.add(waiting.pollFirst());
                count--;
            }
            if (waiting.isEmpty()) {
                keys.remove();
            } else {
                OpenSession first = waiting.peekFirst();
                long due = Math.min(first.idleSinceNanos + bounds.maxIdle().toNanos(),
                        first.openedNanos + bounds.maxAge().toNanos());
                next = Math.min(next, due - now);
            }
        }
        return Math.max(next, 1_000_000L);
    }

    /** Under the lock: removes the connection idle longest, every key together, to make room. */
    private OpenSession removeLongestIdle() {
        Key oldestKey = null;
        long oldest = Long.MAX_VALUE;
        for (var entry : idle.entrySet()) {
            long since = entry.getValue().peekFirst().idleSinceNanos;
            if (oldestKey == null || since - oldest < 0) {
                oldestKey = entry.getKey();
                oldest = since;
            }
        }
        if (oldestKey == null) return null;
        ArrayDeque<OpenSession> waiting = idle.get(oldestKey);
        OpenSession evicted = waiting.pollFirst();
        if (waiting.isEmpty()) idle.remove(oldestKey);
        count--;
        return evicted;
    }
}

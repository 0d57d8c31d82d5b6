package dev.tern.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the crash test's server listens right now, as its clients see it. The test thread marks the server down
 * before it kills it and up (a new generation, a new port) once its successor listens; clients wait here for
 * a server to talk to. Thread-safe.
 */
final class ServerSlot {
    /** A running server: its port and its generation (1 for the first start, +1 per restart). */
    record Target(int port, int generation) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Target current; // guarded by lock; null while no server is up
    private int generations; // guarded by lock

    /** A new server listens on {@code port}; returns its generation. */
    int up(int port) {
        lock.lock();
        try {
            current = new Target(port, ++generations);
            changed.signalAll();
            return generations;
        } finally {
            lock.unlock();
        }
    }

    /** The server is about to be killed or stopped: a client failing from now on failed because of that. */
    void down() {
        lock.lock();
        try {
            current = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The running server, if any. */
    Optional<Target> current() {
        lock.lock();
        try {
            return Optional.ofNullable(current);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for a running server of generation {@code minGeneration} or later. */
    Optional<Target> await(int minGeneration, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (current == null || current.generation() < minGeneration) {
                if (left <= 0) return Optional.empty();
                left = changed.awaitNanos(left);
            }
            return Optional.of(current);
        } finally {
            lock.unlock();
        }
    }

    /** True while the server of {@code generation} is up, that is, neither killed nor being killed. */
    boolean isUp(int generation) {
        lock.lock();
        try {
            return current != null && current.generation() == generation;
        } finally {
            lock.unlock();
        }
    }
}

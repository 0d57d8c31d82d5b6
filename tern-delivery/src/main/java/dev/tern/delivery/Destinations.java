package dev.tern.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-destination state of outbound delivery (QUEUE-SHAPE.md §1): a bound on connections at once to each
 * destination, under a global bound, and a destination whose hosts could not be reached three attempts in a row
 * (Postfix's dead-site rule) is down for a while: its mail is deferred without connecting. One success makes it
 * well again. Thread-safe: one lock over the table, no I/O under it.
 */
final class Destinations {
    private static final int FAILURES_TO_DOWN = 3;

    private final int perDestination;
    private final Semaphore total;
    private final Duration downFor;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, State> states = new HashMap<>();

    private static final class State {
        final Semaphore slots;
        int failures;
        Instant downUntil = Instant.MIN;
        int users;

        State(int permits) {
            slots = new Semaphore(permits);
        }
    }

    Destinations(int maxConnections, int perDestination, Duration downFor, Clock clock) {
        this.perDestination = perDestination;
        this.total = new Semaphore(maxConnections);
        this.downFor = downFor;
        this.clock = clock;
    }

    /** Until when {@code destination} is down, if it is. */
    Optional<Instant> downUntil(String destination) {
        lock.lock();
        try {
            State state = states.get(destination);
            return state != null && state.downUntil.isAfter(clock.instant()) ? Optional.of(state.downUntil) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A connection slot to {@code destination} (and a global one) within {@code wait}, or empty when none came free:
     * the delivery then gives its runner slot back rather than hold it (so one slow destination cannot stall all
     * the others); close the lease to give it back.
     */
    Optional<Lease> tryAcquire(String destination, Duration wait) throws InterruptedException {
        State state;
        lock.lock();
        try {
            state = states.computeIfAbsent(destination, d -> new State(perDestination));
            state.users++;
        } finally {
            lock.unlock();
        }
        boolean acquired = false;
        try {
            if (state.slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                if (total.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    acquired = true;
                } else {
                    state.slots.release();
                }
            }
        } finally {
            if (!acquired) forget(destination, state);
        }
        return acquired ? Optional.of(new Lease(destination, state)) : Optional.empty();
    }

    /** A slot held for one delivery attempt to one destination. */
    final class Lease implements AutoCloseable {
        private final String destination;
        private final State state;

        private Lease(String destination, State state) {
            this.destination = destination;
            this.state = state;
        }

        /** Some host of the destination answered: it is well. */
        void reached() {
            lock.lock();
            try {
                state.failures = 0;
                state.downUntil = Instant.MIN;
            } finally {
                lock.unlock();
            }
        }

        /** No host of the destination could be reached (connect, greeting, EHLO). */
        void unreachable() {
            lock.lock();
            try {
                if (++state.failures >= FAILURES_TO_DOWN) state.downUntil = clock.instant().plus(downFor);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            total.release();
            state.slots.release();
            forget(destination, state);
        }
    }

    /** Drops an idle destination's entry unless it is down, so the table holds only what matters. */
    private void forget(String destination, State state) {
        lock.lock();
        try {
            // Idle, and well (or its time down is over): forgotten, so the table holds only what matters.
            if (--state.users == 0 && (state.failures == 0 || !state.downUntil.isAfter(clock.instant()))) {
                states.remove(destination, state);
            }
        } finally {
            lock.unlock();
        }
    }
}

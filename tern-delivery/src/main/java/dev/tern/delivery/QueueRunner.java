package dev.tern.delivery;

import dev.tern.directory.Directory;
import dev.tern.mail.QueueId;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import dev.tern.store.MailStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what the spool holds. Owns one virtual dispatcher thread, which takes messages as they fall due
 * and runs each delivery on a virtual thread of its own, at most {@code concurrency} at once.
 *
 * <p>New messages arrive through the spool's listener and are delivered at once; deferred ones come back when
 * their next attempt is due; on {@link #start()} everything the spool still holds is picked up again, which is
 * how a restart resumes delivery.
 */
public final class QueueRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);

    private final DeliverySettings settings;
    private final Spool spool;
    private final LocalTransport local;
    private final Clock clock;
    private final DelayQueue<Due> due = new DelayQueue<>();
    private final Set<QueueId> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore slots;
    private Thread dispatcher;

    public QueueRunner(DeliverySettings settings, Spool spool, Directory directory, MailStore store, Clock clock) {
        this.settings = settings;
        this.spool = spool;
        this.local = new LocalTransport(spool, directory, store);
        this.clock = clock;
        this.slots = new Semaphore(settings.concurrency());
    }

    /** Picks up every pending message and starts delivering. */
    public void start() throws IOException {
        spool.addListener(id -> due.add(new Due(id, System.nanoTime())));
        int recovered = 0;
        for (QueueId id : spool.pending()) {
            Instant next = spool.read(id).nextAttempt();
            long wait = Math.max(0, Duration.between(clock.instant(), next).toNanos());
            due.add(new Due(id, System.nanoTime() + wait));
            recovered++;
        }
        if (recovered > 0) log.info("queue resumed messages={}", recovered);
        dispatcher = Thread.ofVirtual().name("queue-runner").start(this::dispatch);
    }

    private void dispatch() {
        try {
            while (true) {
                Due next = due.take();
                if (!inFlight.add(next.id())) continue; // already being delivered; that attempt covers it
                slots.acquire();
                Thread.ofVirtual().name("deliver-" + next.id()).start(() -> {
                    try {
                        deliver(next.id());
                    } finally {
                        inFlight.remove(next.id());
                        slots.release();
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() asked us to stop
        }
    }

    private void deliver(QueueId id) {
        SpooledMessage message;
        try {
            message = spool.read(id);
        } catch (NoSuchElementException e) {
            return; // already finished: a message committed while start() listed the queue was scheduled twice
        } catch (IOException e) {
            log.error("id={} cannot read from spool: {}", id, e.toString());
            retryLater(id, 1);
            return;
        }
        try {
            LocalTransport.Outcome outcome = local.deliver(message);
            if (outcome.deferred() > 0) defer(message, outcome.lastError());
        } catch (RuntimeException e) {
            // Recorded like any temporary failure: the attempt counts (so the next one checks for copies already
            // made, and the message expires in time) and the back-off applies.
            log.error("id={} delivery failed with an internal error", id, e);
            defer(message, "4.3.0 internal error");
        }
    }

    private void defer(SpooledMessage message, String reason) {
        Instant now = clock.instant();
        if (Duration.between(message.accepted(), now).compareTo(settings.maxQueueTime()) > 0) {
            local.expire(message, reason);
            return;
        }
        Duration delay = backoff(settings, message.attempts() + 1);
        try {
            spool.defer(message.id(), now.plus(delay), reason);
            log.info("id={} deferred attempts={} retry_in={}s reason=\"{}\"", message.id(), message.attempts() + 1,
                    delay.toSeconds(), reason);
        } catch (IOException e) {
            log.error("id={} cannot record deferral: {}", message.id(), e.toString());
        }
        due.add(new Due(message.id(), System.nanoTime() + delay.toNanos()));
    }

    private void retryLater(QueueId id, int attempts) {
        due.add(new Due(id, System.nanoTime() + backoff(settings, attempts).toNanos()));
    }

    /** firstRetry, doubling per attempt, capped at maxRetry (like Postfix's minimal/maximal backoff). */
    static Duration backoff(DeliverySettings settings, int attempts) {
        Duration delay = settings.firstRetry();
        for (int i = 1; i < attempts && delay.compareTo(settings.maxRetry()) < 0; i++) delay = delay.multipliedBy(2);
        return delay.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : delay;
    }

    /**
     * Makes the next attempt of each of {@code ids} due now ({@code tern queue flush}). A message being
     * delivered is left alone (that attempt is under way); an id not queued is ignored. Thread-safe; costs one
     * scan of the waiting messages per message flushed.
     */
    public void flush(Collection<QueueId> ids) {
        Set<QueueId> wanted = Set.copyOf(ids);
        for (Due waiting : due.toArray(new Due[0])) {
            // remove() succeeds once per entry: each message keeps exactly one scheduled attempt.
            if (wanted.contains(waiting.id()) && due.remove(waiting)) due.add(new Due(waiting.id(), System.nanoTime()));
        }
    }

    /** Stops dispatching and waits for deliveries under way. Undelivered mail stays in the spool. */
    @Override
    public void close() {
        if (dispatcher != null) dispatcher.interrupt();
        try {
            if (dispatcher != null) dispatcher.join(Duration.ofSeconds(5));
            if (slots.tryAcquire(settings.concurrency(), 10, TimeUnit.SECONDS)) slots.release(settings.concurrency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Due(QueueId id, long atNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(atNanos, ((Due) other).atNanos);
        }
    }
}

package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group commit of a directory's fsync: callers that arrive while one runs share the next one. */
class DirectorySyncTest {
    private static final int WAITERS = 20;

    @TempDir
    Path temp;

    /** A flush that holds its first round open until released, counting rounds, and fails when told. */
    private static final class HeldFlush implements DirectorySync.Flush {
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger rounds = new AtomicInteger();
        volatile boolean failSecond;

        @Override
        public void run(Path directory) throws IOException {
            int round = rounds.incrementAndGet();
            if (round == 1) {
                firstStarted.countDown();
                try {
                    if (!release.await(10, TimeUnit.SECONDS)) throw new IOException("test never released the round");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (round == 2 && failSecond) throw new IOException("disk on fire");
            DirectorySync.force(directory);
        }
    }

    @Test
    void callersArrivingDuringAnFsyncShareTheNextOne() throws Exception {
        HeldFlush flush = new HeldFlush();
        DirectorySync sync = new DirectorySync(temp, flush);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = threads.submit(() -> call(sync));
            assertThat(flush.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<?>> waiters = startWaiters(threads, sync);
            flush.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> waiter : waiters) waiter.get(10, TimeUnit.SECONDS);
        }
        // Without sharing: one fsync per caller (21). With it: the held one, then one for all who waited.
        assertThat(flush.rounds.get()).isEqualTo(2);
    }

    @Test
    void aFailedFsyncFailsEveryCallerItServedAndTheNextRoundStartsAfresh() throws Exception {
        HeldFlush flush = new HeldFlush();
        flush.failSecond = true;
        DirectorySync sync = new DirectorySync(temp, flush);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> first = threads.submit(() -> call(sync));
            assertThat(flush.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<?>> waiters = startWaiters(threads, sync);
            flush.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> waiter : waiters) {
                assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(IOException.class).hasRootCauseMessage("disk on fire");
            }
        }
        sync.sync(); // the failure belonged to its round only
        assertThat(flush.rounds.get()).isEqualTo(3);
    }

    /** Starts the waiters and returns once each waits in sync() behind the held round (polled, bounded). */
    private static List<Future<?>> startWaiters(ExecutorService threads, DirectorySync sync)
            throws InterruptedException {
        CountDownLatch calling = new CountDownLatch(WAITERS);
        List<Future<?>> waiters = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            waiters.add(threads.submit(() -> {
                calling.countDown();
                return call(sync);
            }));
        }
        assertThat(calling.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sync.waiting() < WAITERS && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
        assertThat(sync.waiting()).isEqualTo(WAITERS);
        return waiters;
    }

    private static Void call(DirectorySync sync) throws IOException {
        sync.sync();
        return null;
    }
}

package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The index log's group commit: one fsync serves every transaction queued before it, in log order. */
class GroupCommitTest {
    private static final class Entry extends GroupCommit.Ticket {
        final int number;

        Entry(int number) {
            this.number = number;
        }
    }

    /** Records what the rounds did; the first fsync waits until every writer has queued its entry. */
    private static final class Log implements GroupCommit.Batches<Entry> {
        final List<Integer> durable = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> failed = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch allQueued;
        final AtomicBoolean first = new AtomicBoolean(true);
        volatile boolean failing;

        Log(int writers) {
            allQueued = new CountDownLatch(writers);
        }

        @Override
        public void force() throws IOException {
            if (first.getAndSet(false)) {
                try {
                    if (!allQueued.await(30, TimeUnit.SECONDS)) throw new IOException("writers did not come");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            if (failing) throw new IOException("disk gone");
        }

        @Override
        public void durable(List<Entry> batch) {
            for (Entry e : batch) durable.add(e.number);
        }

        @Override
        public void failed(List<Entry> batch, IOException failure) {
            for (Entry e : batch) failed.add(e.number);
        }
    }

    private static List<Future<?>> writers(GroupCommit<Entry> commits, Log log, int count, List<Integer> order,
                                           java.util.concurrent.ExecutorService executor) {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int number = i;
            futures.add(executor.submit(() -> {
                Entry entry = new Entry(number);
                synchronized (order) { // the writer's lock: the frame's place in the log is the queue's order
                    order.add(number);
                    commits.enqueue(entry);
                }
                log.allQueued.countDown();
                commits.await(entry);
                return null;
            }));
        }
        return futures;
    }

    @Test
    void concurrentWritersShareFsyncsAndAreAppliedInLogOrder() throws Exception {
        int count = 32;
        Log log = new Log(count);
        GroupCommit<Entry> commits = new GroupCommit<>(log);
        List<Integer> order = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<?> f : writers(commits, log, count, order, executor)) f.get(30, TimeUnit.SECONDS);
        }
        assertThat(log.durable).containsExactlyElementsOf(order);
        // The first round took at least one entry; all the others queued meanwhile: at most one more round.
        assertThat(commits.rounds()).isLessThanOrEqualTo(2);
        commits.awaitQueued(); // nothing pending: returns at once
    }

    @Test
    void aFailedFsyncFailsEveryTransactionItWouldHaveServed() throws Exception {
        int count = 8;
        Log log = new Log(count);
        log.failing = true;
        GroupCommit<Entry> commits = new GroupCommit<>(log);
        List<Integer> order = new ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<?> f : writers(commits, log, count, order, executor)) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasRootCauseMessage("disk gone");
            }
        }
        assertThat(log.durable).isEmpty();
        assertThat(log.failed).containsExactlyInAnyOrderElementsOf(order);
    }

    @Test
    void aTransactionWhoseWriteFailedPassesInOrderWithoutAnFsync() {
        Log log = new Log(0);
        GroupCommit<Entry> commits = new GroupCommit<>(new GroupCommit.Batches<>() {
            @Override
            public void force() {
                throw new AssertionError("nothing was written");
            }

            @Override
            public void durable(List<Entry> batch) {
                log.durable(batch);
            }

            @Override
            public void failed(List<Entry> batch, IOException failure) {
                log.failed(batch, failure);
            }
        });
        Entry entry = new Entry(1);
        commits.fail(entry, new IOException("no space"));
        commits.enqueue(entry);
        assertThatThrownBy(() -> commits.await(entry)).hasRootCauseMessage("no space");
        assertThat(log.durable).containsExactly(1); // handed to the folder in order: it moves its counters past it
    }
}

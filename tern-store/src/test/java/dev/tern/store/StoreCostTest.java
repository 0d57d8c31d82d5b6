package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store's hot paths cost, measured and logged ({@code docs/store.md} quotes the figures). The bounds
 * asserted are generous (a noisy shared machine must not fail them); the figures are printed, lines
 * {@code cost: ...}. The first open lists 5,000 files in a build; {@code -Dtern.store.cost.listing=100000} measures 100,000.
 */
class StoreCostTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;

    /** A ~0.5 KiB message with LF line endings, as delivery leaves it in a Maildir file. */
    static byte[] message(int i) {
        StringBuilder text = new StringBuilder()
                .append("Date: Mon, 7 Feb 1994 21:52:25 -0800\n")
                .append("From: Fred Foobar <foobar@blurdybloop.example>\n")
                .append("To: mooch@owatagu.example\n")
                .append("Cc: Someone Else <else@example.org>, third@example.net\n")
                .append("Message-Id: <B27397-").append(i).append("@blurdybloop.example>\n")
                .append("Subject: afternoon meeting number ").append(i).append('\n')
                .append("MIME-Version: 1.0\n")
                .append("Content-Type: text/plain; charset=us-ascii\n\n");
        while (text.length() < 480) text.append("Hello Joe, do you think we can meet at 3:30 tomorrow?\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Fills new/ of INBOX with {@code count} files and lets one snapshot index them (one transaction). */
    private Path fillInbox(Path root, int count) throws IOException {
        MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"));
        Path maildir = store.directory(ALICE);
        Folder inbox = store.folders(ALICE).open("INBOX").orElseThrow();
        for (int i = 0; i < count; i++) {
            Files.write(maildir.resolve("new").resolve(String.format("1700000000.M%06dP1.other", i)), message(i));
        }
        assertThat(inbox.snapshot().messages()).hasSize(count);
        store.close();
        return maildir;
    }

    @Test
    void structureOfTenThousandMessagesColdAndWarm() throws IOException {
        Path root = temp.resolve("mail");
        fillInbox(root, 10_000);
        for (int reopen = 0; reopen < 2; reopen++) {
            MaildirStore store = new MaildirStore(new MaildirSettings(root, "mx.test"));
            Folder inbox = store.folders(ALICE).open("INBOX").orElseThrow();
            List<MessageMeta> messages = inbox.snapshot().messages();
            long[] passes = new long[2];
            for (int pass = 0; pass < passes.length; pass++) {
                long start = System.nanoTime();
                for (MessageMeta m : messages) {
                    assertThat(inbox.structure(m.uid()).orElseThrow().envelope().subject()).startsWith("afternoon");
                }
                passes[pass] = System.nanoTime() - start;
            }
            long start = System.nanoTime();
            for (MessageMeta m : messages) {
                try (var in = inbox.content(m.uid()).orElseThrow()) {
                    StructureParser.parse(in);
                }
            }
            long parse = System.nanoTime() - start;
            report("cost: structure() of 10,000 messages, open #{}: first pass {} ms, second pass {} ms"
                    + " (reading and parsing them all: {} ms)",
                    reopen + 1, passes[0] / 1_000_000, passes[1] / 1_000_000, parse / 1_000_000);
            assertThat(Duration.ofNanos(passes[1])).isLessThan(Duration.ofSeconds(20));
            store.close();
        }
    }

    @Test
    void concurrentDeliveriesIntoAWatchedInbox() throws Exception {
        int deliveries = 2000;
        int concurrency = 64;
        MaildirStore store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder inbox = store.folders(ALICE).open("INBOX").orElseThrow();
        CountDownLatch added = new CountDownLatch(deliveries);
        Set<Long> uids = ConcurrentHashMap.newKeySet();
        try (Folder.Subscription watching = inbox.watch(change -> {
            if (change instanceof FolderChange.Added a) {
                for (MessageMeta m : a.messages()) if (uids.add(m.uid())) added.countDown();
            }
        })) {
            long start = System.nanoTime();
            runConcurrently(deliveries, concurrency,
                    i -> store.deliver(ALICE, "D" + i, new ByteArrayInputStream(message(i)), false));
            long delivered = System.nanoTime() - start;
            assertThat(added.await(60, TimeUnit.SECONDS)).isTrue();
            long indexed = System.nanoTime() - start;
            report("cost: {} deliveries into a watched INBOX, {} at once: {} msgs/s delivered, {} msgs/s indexed",
                    deliveries, concurrency, perSecond(deliveries, delivered), perSecond(deliveries, indexed));
        }
        assertThat(inbox.snapshot().messages()).hasSize(deliveries);
        store.close();
    }

    @Test
    void appendsOneByOneAndConcurrently() throws Exception {
        MaildirStore store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder inbox = store.folders(ALICE).open("INBOX").orElseThrow();
        int count = 1000;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) inbox.append(new ByteArrayInputStream(crlf(message(i))), Set.of(), null);
        long serial = System.nanoTime() - start;
        start = System.nanoTime();
        runConcurrently(count, 8, i -> inbox.append(new ByteArrayInputStream(crlf(message(i))), Set.of("\\Seen"), null));
        long concurrent = System.nanoTime() - start;
        report("cost: {} APPENDs one by one: {} msgs/s; 8 at once: {} msgs/s",
                count, perSecond(count, serial), perSecond(count, concurrent));
        assertThat(inbox.snapshot().messages()).hasSize(2 * count);
        store.close();
    }

    /** 5,000 messages in a build (a few seconds); {@code -Dtern.store.cost.listing=100000} for the real figure. */
    @Test
    void firstOpenOfAFolderListsItOnce() throws IOException {
        int count = Integer.getInteger("tern.store.cost.listing", 5_000);
        Path root = temp.resolve("mail");
        MaildirStore made = new MaildirStore(new MaildirSettings(root, "mx.test"));
        Path maildir = made.directory(ALICE);
        made.folders(ALICE);
        List<IndexRecord> appends = new ArrayList<>(count);
        byte[] content = message(0);
        for (int i = 1; i <= count; i++) {
            String file = String.format("1700000000.M%06dP1.other:2,S", i);
            Files.write(maildir.resolve("cur").resolve(file), content);
            appends.add(new IndexRecord.Append(i, file, Instant.EPOCH, content.length, Set.of("\\Seen"), 2));
        }
        try (IndexFiles files = IndexFiles.create(maildir, 7)) {
            files.append(appends);
        }
        long start = System.nanoTime();
        int listed = Directories.names(maildir.resolve("cur")).size();
        long listing = System.nanoTime() - start;
        start = System.nanoTime();
        Folder inbox = new MaildirStore(new MaildirSettings(root, "mx.test")).folders(ALICE).open("INBOX").orElseThrow();
        assertThat(inbox.snapshot().messages()).hasSize(count);
        long open = System.nanoTime() - start;
        report("cost: listing cur/ of {} files: {} ms; first open (index load + one listing): {} ms",
                listed, listing / 1_000_000, open / 1_000_000);
        assertThat(Duration.ofNanos(open)).isLessThan(Duration.ofSeconds(60));
    }

    @FunctionalInterface
    interface Task {
        void run(int i) throws Exception;
    }

    /** Runs {@code task(0..count-1)} on virtual threads, at most {@code concurrency} at a time; rethrows a failure. */
    static void runConcurrently(int count, int concurrency, Task task) throws Exception {
        Semaphore slots = new Semaphore(concurrency);
        List<Future<?>> futures = new ArrayList<>(count);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int k = i;
                slots.acquire();
                futures.add(executor.submit(() -> {
                    try {
                        task.run(k);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : futures) f.get();
    }

    static byte[] crlf(byte[] lf) {
        return new String(lf, StandardCharsets.US_ASCII).replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Prints a figure (surefire keeps it in the test's output file). */
    private static void report(String format, Object... args) {
        System.out.println(org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage());
    }

    private static long perSecond(int count, long nanos) {
        return Math.round(count / (nanos / 1e9));
    }
}

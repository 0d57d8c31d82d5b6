package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.delivery.DeliverySettings;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.RecipientState;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the spool is a temporary condition: the client hears {@code 452 4.3.1} after DATA (RFC 3463
 * §3.4: mail system full; RFC 5321 §4.2.2: 452 insufficient system storage), nothing of the message survives,
 * and mail flows again once there is room. The spool keeps a free-space reserve for delivery, gives back the
 * space of delivered mail within seconds, and a restart on a full disk serves, delivers what is queued, frees
 * its space and then accepts again. The data directory lives on a 2 MiB tmpfs mounted for the test, so it
 * needs root (CI runs as root) and is skipped otherwise.
 */
class DiskFullTest {
    private static final int FREE_BYTES = 100 * 1024;
    /** Three times the free space, and well below the spool's in-memory limit (2 MiB). */
    private static final int MESSAGE_LINES = 4_000;
    /** The reserve of the tests that have one: about one message. */
    private static final long RESERVE = 256 * 1024;

    @TempDir
    Path work;

    private Path disk;
    private boolean mounted;
    private TestServer server;

    @BeforeEach
    void mountSmallDisk() throws IOException, InterruptedException {
        RequiredTool.require(isRoot(), "DiskFullTest needs root to mount a 2 MiB tmpfs (CI runs as root)");
        disk = Files.createDirectory(work.resolve("small-disk"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString());
        RequiredTool.require(failure.isEmpty(), "cannot mount a tmpfs here: " + failure);
        mounted = true;
    }

    @AfterEach
    void unmount() throws IOException, InterruptedException {
        if (server != null) server.close();
        if (!mounted) return;
        String failure = run("umount", disk.toString());
        if (!failure.isEmpty()) failure = run("umount", "-l", disk.toString()); // lazy: still busy, detach anyway
        assertThat(failure).as("unmounting %s", disk).isEmpty();
    }

    /** Without a reserve, so that the disk really fills (ENOSPC) under the spool. */
    @Test
    void fullSpoolDiskIsTemporaryAndLeavesNothingBehind() throws IOException, InterruptedException {
        assertFullDiskIsTemporary(c -> withSpool(c, c.spool().withMinFreeBytes(0)));
    }

    /** The same with content going through a spill file in spool/tmp, which fills the disk while DATA is read. */
    @Test
    void fullSpoolDiskWhileSpillingIsTemporaryToo() throws IOException, InterruptedException {
        assertFullDiskIsTemporary(c -> withSpool(c,
                new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, 16 * 1024).withMinFreeBytes(0)));
    }

    /** The same with the reserve: the spool refuses before the disk is full. */
    @Test
    void reserveRefusesBeforeTheDiskIsFull() throws IOException, InterruptedException {
        assertFullDiskIsTemporary(c -> withSpool(c, c.spool().withMinFreeBytes(FREE_BYTES * 4)));
    }

    /**
     * Five messages of about 240 KB each, one after another, on a 2 MiB disk: each is accepted only if the spool
     * gave back the space of the ones before (they are all in the Maildir, which leaves just room for the next
     * one and the reserve), and the spool's files shrink to almost nothing within seconds of each delivery.
     */
    @Test
    void deliveredMailLeavesTheSpoolWithinSeconds() throws IOException, InterruptedException {
        Path data = disk.resolve("data");
        server = TestServer.start(data, c -> withSpool(c, c.spool().withMinFreeBytes(RESERVE)));
        for (int i = 1; i <= 5; i++) {
            Transcript.run(server.port(), transaction("kept-" + i, "250 2.0.0 *"));
            assertThat(server.awaitMessages("alice", "localhost", i, Duration.ofSeconds(10))).hasSize(i);
            awaitTrue(() -> segmentBytes(data.resolve("spool")) < 64 * 1024, Duration.ofSeconds(10),
                    "spool segments reclaimed after delivery " + i);
        }
    }

    /**
     * The disk is full to the last byte while the spool holds queued mail (and the content of a delivered
     * message, so compaction at open has work it cannot do). Tern starts anyway, without leaving a segment file
     * behind, and answers 452 to new mail. Once an operator frees about what the queued mail needs, it delivers
     * it, gives the spool's space back, and then, thanks to that space only, accepts again.
     */
    @Test
    void restartOnAFullDiskServesDeliversFreesSpaceAndAcceptsAgain() throws IOException, InterruptedException {
        Path data = disk.resolve("data");
        Path spoolDirectory = data.resolve("spool");
        int queued = 3;
        int queuedBytes = 100 * 1024;
        // A first run makes what a first start makes (the self-signed certificate); the queue it leaves is then
        // written straight into the spool, as if the server had stopped right after its 250 replies.
        TestServer.start(data, c -> withSpool(c, c.spool().withMinFreeBytes(RESERVE))).close();
        try (Spool spool = Spool.open(spoolDirectory, SpoolSettings.defaults().withMinFreeBytes(0))) {
            QueueId delivered = commit(spool, "delivered-0", 600 * 1024);
            for (int i = 1; i <= queued; i++) commit(spool, "queued-" + i, queuedBytes);
            spool.complete(delivered, 0, RecipientState.Status.DELIVERED, "");
        }
        Path filler = disk.resolve("filler");
        fillToTheBrim(filler);
        List<Path> segmentsBefore = MaildirAudit.list(spoolDirectory).stream()
                .filter(p -> p.getFileName().toString().startsWith("segment-")).toList();

        server = TestServer.start(data, c -> fastRetries(withSpool(c, c.spool().withMinFreeBytes(RESERVE))));
        assertThat(MaildirAudit.list(spoolDirectory).stream()
                .filter(p -> p.getFileName().toString().startsWith("segment-")).toList())
                .as("segment files after start").isEqualTo(segmentsBefore);
        Transcript.run(server.port(), transaction("while-full", "452 4.3.1 *"));

        try (FileChannel file = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            file.truncate(file.size() - queued * queuedBytes - 64 * 1024);
        }
        List<Path> delivered = server.awaitMessages("alice", "localhost", queued, Duration.ofSeconds(20));
        assertThat(delivered).hasSize(queued);
        assertThat(Files.readString(delivered.getFirst())).contains("X-Test-Id: queued-");
        awaitTrue(() -> segmentBytes(spoolDirectory) < 64 * 1024, Duration.ofSeconds(10), "spool space given back");
        Transcript.run(server.port(), transaction("after", "250 2.0.0 *"));
        assertThat(server.awaitMessages("alice", "localhost", queued + 1, Duration.ofSeconds(10))).hasSize(queued + 1);
    }

    private void assertFullDiskIsTemporary(UnaryOperator<TernConfig> change) throws IOException, InterruptedException {
        Path data = disk.resolve("data");
        server = TestServer.start(data, change);
        Path filler = disk.resolve("filler");
        fillLeaving(filler, FREE_BYTES);

        Transcript.run(server.port(), transaction("full-1", "452 4.3.1 *"));
        assertThat(MaildirAudit.list(data.resolve("spool").resolve("tmp"))).as("spill files after 452").isEmpty();
        assertThat(server.newMessages("alice", "localhost")).isEmpty();

        Files.delete(filler);
        Transcript.run(server.port(), transaction("full-2", "250 2.0.0 *"));
        List<Path> delivered = server.awaitMessages("alice", "localhost", 1, Duration.ofSeconds(10));
        assertThat(delivered).hasSize(1);
        assertThat(Files.readString(delivered.getFirst())).contains("\nX-Test-Id: full-2\n").endsWith("end full-2\n");

        // After a clean stop the spool holds nothing: the refused message was never committed, not even in part.
        server.close();
        server = null;
        try (Spool spool = Spool.open(data.resolve("spool"), SpoolSettings.defaults())) {
            assertThat(spool.pending()).isEmpty();
        }
        assertThat(MaildirAudit.list(data.resolve("mail").resolve("localhost").resolve("alice").resolve("new")))
                .hasSize(1);
    }

    /** A lock-step transaction sending a message three times the free space, ending with {@code finalReply}. */
    private static String transaction(String marker, String finalReply) {
        StringBuilder dialog = new StringBuilder("""
                S: 220 *
                C: HELO client.test
                S: 250 *
                C: MAIL FROM:<sender@client.test>
                S: 250 2.1.0 *
                C: RCPT TO:<alice@localhost>
                S: 250 2.1.5 *
                C: DATA
                S: 354 *
                """);
        dialog.append("C: Subject: disk full test\nC: X-Test-Id: ").append(marker).append("\nC:\n");
        for (int i = 0; i < MESSAGE_LINES; i++) {
            dialog.append("C: ").append(marker).append(" line ").append(i).append(" the quick brown fox jumps over the lazy dog\n");
        }
        dialog.append("C: end ").append(marker).append("\nC: .\nS: ").append(finalReply).append('\n');
        return dialog.append("C: QUIT\nS: 221 *\n").toString();
    }

    private static TernConfig withSpool(TernConfig c, SpoolSettings spool) {
        return new TernConfig(c.dataDirectory(), c.server(), c.session(), c.directory(), spool, c.delivery());
    }

    /** Deliveries that failed on the full disk are tried again within half a second, not a minute. */
    private static TernConfig fastRetries(TernConfig c) {
        var d = c.delivery();
        return new TernConfig(c.dataDirectory(), c.server(), c.session(), c.directory(), c.spool(),
                new DeliverySettings(d.concurrency(), Duration.ofMillis(100), Duration.ofMillis(500),
                        d.maxQueueTime()));
    }

    /** A message to alice@localhost of {@code size} bytes of content, committed straight into the spool. */
    private static QueueId commit(Spool spool, String marker, int size) throws IOException {
        StringBuilder text = new StringBuilder("Subject: queued\r\nX-Test-Id: " + marker + "\r\n\r\n");
        while (text.length() < size) text.append(marker).append(" the quick brown fox jumps over the lazy dog\r\n");
        byte[] content = text.toString().getBytes(StandardCharsets.US_ASCII);
        var envelope = new Envelope(ReversePath.of(Mailbox.of("sender", "client.test")),
                List.of(Recipient.of(Mailbox.of("alice", "localhost"))), MailOptions.NONE);
        try (MessageWriter writer = spool.begin()) {
            writer.write(content, 0, content.length);
            writer.commit(envelope);
            return writer.id();
        }
    }

    /** Writes {@code filler} until the file system refuses (ENOSPC): no byte left. */
    private static void fillToTheBrim(Path filler) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel file = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Bounded by the disk: a 2 MiB tmpfs takes at most 512 blocks.
            for (int i = 0; i < 1_000_000; i++) {
                try {
                    file.write(block.clear());
                } catch (IOException e) {
                    if (String.valueOf(e.getMessage()).contains("No space left")) break;
                    throw e;
                }
            }
        }
        assertThat(Files.getFileStore(filler.getParent()).getUsableSpace()).as("free space after filling")
                .isLessThan(4096);
    }

    /** The bytes of the spool's segment files. */
    private static long segmentBytes(Path spool) {
        long total = 0;
        try {
            for (Path file : MaildirAudit.list(spool)) {
                if (file.getFileName().toString().startsWith("segment-")) total += sizeOrZero(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private static long sizeOrZero(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0; // reclaimed between the listing and here
        }
    }

    /** Polls with a deadline: space is given back by the spool's own thread, with no event to await. */
    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + timeout).isLessThan(until);
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Writes {@code filler} until the file system has about {@code free} bytes left. */
    private static void fillLeaving(Path filler, long free) throws IOException {
        long size = Files.getFileStore(filler.getParent()).getUsableSpace() - free;
        assertThat(size).as("room to fill").isPositive();
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        try (FileChannel file = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long written = 0; written < size; ) {
                block.clear().limit((int) Math.min(block.capacity(), size - written));
                written += file.write(block);
            }
            file.force(true);
        }
        long left = Files.getFileStore(filler.getParent()).getUsableSpace();
        assertThat(left).as("free space after filling").isBetween(free / 2, free * 2);
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // not Linux: no way to mount a tmpfs either
        }
    }

    /** Runs a command; empty when it succeeded, else its exit code and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        if (!ended) process.destroyForcibly();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (ended && process.exitValue() == 0) return "";
        return String.join(" ", command) + (ended ? " exited " + process.exitValue() : " timed out") + ": " + output;
    }
}

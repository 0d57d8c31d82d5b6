package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.app.TernConfig;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the spool is a temporary condition: the client hears {@code 452 4.3.1} after DATA (RFC 3463
 * §3.4: mail system full; RFC 5321 §4.2.2: 452 insufficient system storage), nothing of the message survives,
 * and mail flows again once there is room. The data directory lives on a 2 MiB tmpfs mounted for the test, so
 * it needs root (CI runs as root) and is skipped otherwise.
 */
class DiskFullTest {
    private static final int FREE_BYTES = 100 * 1024;
    /** Three times the free space, and well below the spool's in-memory limit (2 MiB). */
    private static final int MESSAGE_LINES = 4_000;

    @TempDir
    Path work;

    private Path disk;
    private boolean mounted;
    private TestServer server;

    @BeforeEach
    void mountSmallDisk() throws IOException, InterruptedException {
        assumeTrue(isRoot(), "DiskFullTest needs root to mount a 2 MiB tmpfs (CI runs as root): skipped");
        disk = Files.createDirectory(work.resolve("small-disk"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk.toString());
        assumeTrue(failure.isEmpty(), "cannot mount a tmpfs here, DiskFullTest skipped: " + failure);
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

    @Test
    void fullSpoolDiskIsTemporaryAndLeavesNothingBehind() throws IOException, InterruptedException {
        assertFullDiskIsTemporary(c -> c);
    }

    /** The same with content going through a spill file in spool/tmp, which fills the disk while DATA is read. */
    @Test
    void fullSpoolDiskWhileSpillingIsTemporaryToo() throws IOException, InterruptedException {
        assertFullDiskIsTemporary(c -> new TernConfig(c.dataDirectory(), c.server(), c.session(), c.directory(),
                new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, 16 * 1024), c.delivery()));
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

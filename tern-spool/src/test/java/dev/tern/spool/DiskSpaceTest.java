package dev.tern.spool;

import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.QueueId;
import dev.tern.spool.FaultyChannel.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the spool shares its disk: it keeps a free-space reserve for delivery, returns the space of delivered
 * mail within {@code reclaimAfter} (not only once a 64 MiB segment fills), and opens without writing, so that a
 * full disk never keeps the server down. The real full disk (tmpfs) is tern-testkit's DiskFullTest.
 */
class DiskSpaceTest {
    private static final Duration RECLAIM_AFTER = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @Test
    void deliveredContentIsReclaimedWithinReclaimAfter() throws IOException {
        var settings = Fixtures.NO_FSYNC.withReclaimAfter(RECLAIM_AFTER);
        try (Spool spool = Spool.open(dir, settings)) {
            QueueId id = commit(spool, envelope(1), content("delivered", 100_000));
            spool.complete(id, 0, RecipientState.Status.DELIVERED, "");
            assertThat(segmentBytes()).as("right after delivery").isGreaterThan(100_000);
            // Idle from here on: the committer itself must notice that the active segment is all delivered.
            awaitTrue(() -> segmentBytes() < 1024, Duration.ofSeconds(10));
            QueueId next = commit(spool, envelope(1), content("next", 1000));
            assertThat(spool.pending()).containsExactly(next);
        }
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(spool.pending()).hasSize(1);
        }
    }

    /** A segment still mostly live is kept as the active one: rolling it would only make compaction copy it. */
    @Test
    void activeSegmentStillMostlyLiveIsNotRolled() throws IOException {
        var settings = Fixtures.NO_FSYNC.withReclaimAfter(RECLAIM_AFTER);
        try (Spool spool = Spool.open(dir, settings)) {
            QueueId waiting = commit(spool, envelope(1), content("waiting", 100_000));
            QueueId delivered = commit(spool, envelope(1), content("delivered", 10_000));
            spool.complete(delivered, 0, RecipientState.Status.DELIVERED, "");
            long until = System.nanoTime() + 3 * RECLAIM_AFTER.toNanos();
            // Three periods of the committer's idle check, observed without a sleep: the files must not change.
            while (System.nanoTime() < until) {
                assertThat(segmentFiles()).hasSize(1);
                LockSupport.parkNanos(10_000_000);
            }
            assertThat(spool.pending()).containsExactly(waiting);
        }
    }

    @ParameterizedTest(name = "content {0} bytes, memory limit {1}")
    @CsvSource(delimiter = '|', textBlock = """
        500    | 2097152
        50000  | 1024
        """)
    void newMailBelowTheReserveIsRefusedWhileStateChangesGoOn(int size, int memoryBytes) throws IOException {
        var roomy = new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, memoryBytes).withMinFreeBytes(0);
        QueueId queued;
        try (Spool spool = Spool.open(dir, roomy)) {
            queued = commit(spool, envelope(2), content("queued", size));
        }
        long moreThanTheDisk = Files.getFileStore(dir).getTotalSpace() + (1L << 30);
        try (Spool spool = Spool.open(dir, roomy.withMinFreeBytes(moreThanTheDisk))) {
            assertThatThrownBy(() -> commit(spool, envelope(1), content("refused", size)))
                    .isInstanceOf(SpoolFullException.class);
            assertThat(Files.list(dir.resolve("tmp")).toList()).as("spill files").isEmpty();
            // The reserve is for delivery: finishing what is queued still works, and frees its space.
            spool.complete(queued, 0, RecipientState.Status.DELIVERED, "");
            spool.defer(queued, java.time.Instant.now(), "4.0.0 later");
            assertThat(spool.read(queued).attempts()).isEqualTo(1);
            spool.complete(queued, 1, RecipientState.Status.DELIVERED, "");
            assertThat(spool.pending()).isEmpty();
        }
        try (Spool spool = Spool.open(dir, roomy)) {
            assertThat(spool.pending()).isEmpty();
        }
    }

    /**
     * On a disk that refuses every write, the spool opens (and so the server starts), new mail is refused as
     * full, and no attempt leaves a segment file behind; a header-only segment an older version left at a
     * failed open is deleted. Once there is room, mail flows.
     */
    @Test
    void opensOnAFullDiskAndLeavesNoEmptySegments() throws IOException {
        var control = new FaultyChannel.Switch();
        var settings = Fixtures.NO_FSYNC.withMinFreeBytes(0);
        QueueId queued;
        try (Spool spool = Spool.open(dir, settings)) {
            queued = commit(spool, envelope(1), content("queued", 1000));
        }
        List<Path> before = segmentFiles();
        Path leftOver = dir.resolve("segment-000000000099.log");
        Files.write(leftOver, java.util.Arrays.copyOf(Files.readAllBytes(before.getFirst()), Segments.HEADER_BYTES));
        control.fault = Fault.NO_SPACE;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Spool spool = Spool.open(dir, settings, channel -> new FaultyChannel(channel, control))) {
                assertThat(spool.pending()).containsExactly(queued);
                assertThatThrownBy(() -> commit(spool, envelope(1), content("refused", 1000)))
                        .isInstanceOf(SpoolFullException.class);
            }
            assertThat(segmentFiles()).as("segment files after attempt %d", attempt).isEqualTo(before);
        }
        control.fault = Fault.NONE;
        try (Spool spool = Spool.open(dir, settings, channel -> new FaultyChannel(channel, control))) {
            QueueId after = commit(spool, envelope(1), content("after", 1000));
            assertThat(spool.pending()).containsExactly(queued, after);
        }
    }

    private List<Path> segmentFiles() {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long segmentBytes() {
        long total = 0;
        for (Path file : segmentFiles()) {
            try {
                total += Files.size(file);
            } catch (java.nio.file.NoSuchFileException e) {
                // Deleted between the listing and here: reclaimed, counts as nothing.
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return total;
    }

    /** Polls {@code condition} with a deadline: the reclaiming is done by the committer, with no event to await. */
    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", timeout).isLessThan(until);
            LockSupport.parkNanos(10_000_000);
        }
    }
}

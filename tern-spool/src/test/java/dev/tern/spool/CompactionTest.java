package dev.tern.spool;

import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static dev.tern.spool.Fixtures.readContent;
import static dev.tern.spool.SpoolTest.segmentsIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction while the spool is open: space comes back, state and content survive moves, crashes and readers. */
class CompactionTest {
    private static final SpoolSettings SMALL = new SpoolSettings(false, 4096, SpoolSettings.DEFAULT_MEMORY_BYTES);
    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00.123456789Z");

    @TempDir
    Path dir;

    private final Envelope lingeringEnvelope = envelope(2);
    private final byte[] lingeringBody = content("linger", 1500);

    @Test
    void longRetryingMessageIsMovedWhileRunning() throws IOException {
        try (Spool spool = Spool.open(dir, SMALL)) {
            QueueId lingering = commit(spool, lingeringEnvelope, lingeringBody);
            spool.complete(lingering, 1, Status.DELIVERED, "250 ok");
            spool.defer(lingering, LATER, "451 later");
            int most = 0;
            for (int i = 0; i < 200; i++) {
                QueueId id = commit(spool, envelope(1), content("traffic" + i, 1000));
                spool.complete(id, 0, Status.DELIVERED, "ok");
                most = Math.max(most, segmentsIn(dir).size());
            }
            // Without compaction: ~55 segments (200 x ~1.1 KB in 4 KiB segments), all kept by the first one.
            assertThat(most).isLessThanOrEqualTo(5);
            assertThat(segmentsIn(dir)).hasSizeLessThanOrEqualTo(4);
            assertThat(Files.exists(dir.resolve("segment-000000000001.log"))).isFalse();
            assertThat(spool.pending()).containsExactly(lingering);
            assertLingering(spool, lingering, 1);
            assertThat(copiesOnDisk(dir, lingering)).isEqualTo(1);
        }
        try (Spool spool = Spool.open(dir, SMALL)) {
            QueueId lingering = spool.pending().getFirst();
            assertThat(spool.pending()).hasSize(1);
            assertLingering(spool, lingering, 1);
        }
    }

    /** A snapshot of the directory taken after the copy is durable and before the old segment is deleted. */
    @Test
    void crashBetweenCopyAndDeletionRecoversOneCopy() throws IOException {
        var control = new FaultyChannel.Switch();
        var settings = new SpoolSettings(true, 4096, SpoolSettings.DEFAULT_MEMORY_BYTES);
        Path live = dir.resolve("live");
        Path crashed = dir.resolve("crashed");
        List<String> snapshotSegments = new ArrayList<>();
        control.afterCopyFlushed = () -> {
            try {
                copyDirectory(live, crashed);
                for (Path p : segmentsIn(crashed)) snapshotSegments.add(p.getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        QueueId lingering;
        try (Spool spool = Spool.open(live, settings, channel -> new FaultyChannel(channel, control))) {
            lingering = commit(spool, lingeringEnvelope, lingeringBody);
            List<QueueId> first = new ArrayList<>();
            for (int i = 0; i < 6; i++) first.add(commit(spool, envelope(1), content("first" + i, 1000)));
            // State records in a later segment than the message: replay applies them to the old copy, which the
            // new copy (carrying them) then replaces.
            spool.complete(lingering, 1, Status.DELIVERED, "250 ok");
            spool.defer(lingering, LATER, "451 later");
            for (QueueId id : first) spool.complete(id, 0, Status.DELIVERED, "ok");
            for (int i = 0; i < 40; i++) {
                QueueId id = commit(spool, envelope(1), content("traffic" + i, 1000));
                spool.complete(id, 0, Status.DELIVERED, "ok");
            }
            assertThat(control.afterCopyFlushed).as("a compaction copy was flushed").isNull();
            assertLingering(spool, lingering, 1);
            spool.defer(lingering, LATER.plusSeconds(60), "451 later again"); // after the copy: replayed onto it
        }
        // The crash point: the old segment and the new copy both on disk.
        assertThat(snapshotSegments).contains("segment-000000000001.log");
        assertThat(copiesOnDisk(crashed, lingering)).isEqualTo(2);
        try (Spool spool = Spool.open(crashed, settings)) {
            assertThat(spool.pending()).containsExactly(lingering);
            assertLingering(spool, lingering, 1);
            assertThat(spool.read(lingering).nextAttempt()).isEqualTo(LATER);
        }
        assertThat(copiesOnDisk(crashed, lingering)).isEqualTo(1); // the old segment had no pin left: reclaimed
        try (Spool spool = Spool.open(live, settings)) {
            assertThat(spool.pending()).containsExactly(lingering);
            SpooledMessage message = spool.read(lingering);
            assertThat(message.attempts()).isEqualTo(2);
            assertThat(message.nextAttempt()).isEqualTo(LATER.plusSeconds(60));
            assertThat(readContent(spool, lingering)).isEqualTo(lingeringBody);
        }
    }

    @Test
    void contentStaysReadableWhileItsMessageMoves() throws IOException {
        try (Spool spool = Spool.open(dir, SMALL)) {
            QueueId lingering = commit(spool, lingeringEnvelope, lingeringBody);
            List<QueueId> dead = new ArrayList<>();
            for (int i = 0; i < 8; i++) dead.add(commit(spool, envelope(1), content("dead" + i, 1000)));
            byte[] read = new byte[lingeringBody.length];
            try (InputStream in = spool.openContent(lingering)) {
                assertThat(in.readNBytes(read, 0, 100)).isEqualTo(100);
                for (QueueId id : dead) spool.complete(id, 0, Status.DELIVERED, "ok");
                spool.compactOldest();
                assertThat(Files.exists(dir.resolve("segment-000000000001.log"))).as("old segment deleted").isFalse();
                assertThat(in.readNBytes(read, 100, read.length - 100)).isEqualTo(read.length - 100);
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(read).isEqualTo(lingeringBody);
            assertThat(readContent(spool, lingering)).isEqualTo(lingeringBody);
        }
    }

    /**
     * Deliveries complete and defer messages while compaction moves them (from every worker after each
     * change, and on its own at every seal), and new traffic seals segments. No state change may be lost or
     * counted twice, no pin may be released twice, and all space comes back once the messages finish.
     */
    @Test
    void concurrentChangesDuringCompactionAreKept() throws Exception {
        int groups = 24;
        List<QueueId> finishing = new ArrayList<>();
        List<QueueId> staying = new ArrayList<>();
        List<QueueId> big = new ArrayList<>();
        try (Spool spool = Spool.open(dir, SMALL)) {
            for (int i = 0; i < groups; i++) {
                big.add(commit(spool, envelope(1), content("big" + i, 2500)));
                finishing.add(commit(spool, envelope(2), content("finishing" + i, 200)));
                staying.add(commit(spool, envelope(2), content("staying" + i, 200)));
            }
            // Old segments mostly dead now. Newest first, so that the oldest is busy until the end of this: moves
            // mostly happen during the concurrent part below.
            for (QueueId id : big.reversed()) spool.complete(id, 0, Status.DELIVERED, "ok");
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < 4; w++) {
                    int worker = w;
                    work.add(threads.submit(() -> {
                        start.await();
                        for (int i = worker; i < groups; i += 4) {
                            QueueId f = finishing.get(i);
                            QueueId s = staying.get(i);
                            spool.defer(f, LATER, "451 f");
                            spool.compactOldest();
                            spool.defer(s, LATER, "451 s1");
                            spool.complete(f, 0, Status.DELIVERED, "250 f0");
                            spool.compactOldest();
                            spool.complete(s, 1, Status.FAILED, "550 s1");
                            spool.defer(s, LATER.plusSeconds(i), "451 s2");
                            assertThat(readContent(spool, s)).isEqualTo(content("staying" + i, 200));
                            spool.complete(f, 1, Status.FAILED, "550 f1");
                            spool.compactOldest();
                        }
                        return null;
                    }));
                }
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 60; i++) {
                        QueueId id = commit(spool, envelope(1), content("traffic" + i, 1000));
                        spool.complete(id, 0, Status.DELIVERED, "ok");
                    }
                    return null;
                }));
                start.countDown();
                for (Future<?> f : work) f.get();
            }
            assertThat(Files.exists(dir.resolve("segment-000000000001.log"))).isFalse();
            assertThat(spool.pending()).containsExactlyElementsOf(staying);
            for (int i = 0; i < groups; i++) assertStaying(spool, staying.get(i), i);
            for (QueueId id : staying) spool.complete(id, 0, Status.DELIVERED, "250 s0");
            for (int i = 0; i < 8; i++) {
                QueueId id = commit(spool, envelope(1), content("after" + i, 1000));
                spool.complete(id, 0, Status.DELIVERED, "ok");
            }
            assertThat(spool.pending()).isEmpty();
            assertThat(segmentsIn(dir)).hasSizeLessThanOrEqualTo(2);
        }
        try (Spool spool = Spool.open(dir, SMALL)) {
            assertThat(spool.pending()).isEmpty();
        }
    }

    @Test
    void concurrentChangesSurviveRestart() throws Exception {
        // What concurrent changes leave in memory during a move must also be what replay rebuilds.
        int groups = 8;
        List<QueueId> staying = new ArrayList<>();
        try (Spool spool = Spool.open(dir, SMALL)) {
            for (int i = 0; i < groups; i++) {
                commit(spool, envelope(1), content("big" + i, 2500));
                staying.add(commit(spool, envelope(2), content("staying" + i, 200)));
            }
            for (QueueId id : List.copyOf(spool.pending())) {
                if (!staying.contains(id)) spool.complete(id, 0, Status.DELIVERED, "ok");
            }
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                for (int i = 0; i < groups; i++) {
                    int n = i;
                    work.add(threads.submit(() -> {
                        QueueId s = staying.get(n);
                        spool.defer(s, LATER, "451 s1");
                        spool.complete(s, 1, Status.FAILED, "550 s1");
                        spool.defer(s, LATER.plusSeconds(n), "451 s2");
                        return null;
                    }));
                }
                work.add(threads.submit(() -> {
                    spool.compactOldest();
                    return null;
                }));
                for (Future<?> f : work) f.get();
            }
        }
        try (Spool spool = Spool.open(dir, SMALL)) {
            assertThat(spool.pending()).containsExactlyElementsOf(staying);
            for (int i = 0; i < groups; i++) assertStaying(spool, staying.get(i), i);
        }
    }

    private void assertStaying(Spool spool, QueueId id, int i) throws IOException {
        SpooledMessage message = spool.read(id);
        assertThat(message.attempts()).isEqualTo(2);
        assertThat(message.nextAttempt()).isEqualTo(LATER.plusSeconds(i));
        assertThat(message.recipients()).extracting(RecipientState::status)
                .containsExactly(Status.PENDING, Status.FAILED);
        assertThat(message.recipients()).extracting(RecipientState::diagnostic)
                .containsExactly("451 s2", "550 s1");
        assertThat(readContent(spool, id)).isEqualTo(content("staying" + i, 200));
    }

    private void assertLingering(Spool spool, QueueId id, int attempts) throws IOException {
        SpooledMessage message = spool.read(id);
        assertThat(message.envelope()).isEqualTo(lingeringEnvelope);
        assertThat(message.recipients()).extracting(RecipientState::status)
                .containsExactly(Status.PENDING, Status.DELIVERED);
        assertThat(message.recipients()).extracting(RecipientState::diagnostic)
                .containsExactly("451 later" + (attempts > 1 ? " again" : ""), "250 ok");
        assertThat(message.attempts()).isEqualTo(attempts);
        assertThat(message.size()).isEqualTo(lingeringBody.length);
        assertThat(readContent(spool, id)).isEqualTo(lingeringBody);
        if (attempts == 1) assertThat(message.nextAttempt()).isEqualTo(LATER);
    }

    /** How many MESSAGE records for {@code id} the segments in {@code directory} hold. */
    private static int copiesOnDisk(Path directory, QueueId id) throws IOException {
        int[] copies = {0};
        for (long number : Segments.list(directory)) {
            SegmentReader.scan(number, directory.resolve("segment-%012d.log".formatted(number)), (record, at) -> {
                if (record instanceof LogRecord.Message m && m.id().equals(id)) copies[0]++;
            });
        }
        return copies[0];
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) Files.createDirectories(target);
                else Files.copy(source, target);
            }
        }
    }
}

package dev.tern.spool;

import static dev.tern.spool.Fixtures.NO_FSYNC;
import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static dev.tern.spool.Fixtures.readContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    @Test
    void spooledMessageSurvivesRestart() throws IOException {
        Envelope envelope = envelope(3);
        byte[] body = content("survives", 1024);
        QueueId id;
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            id = commit(spool, envelope, body);
            assertThat(spool.pending()).containsExactly(id);
            assertThat(spool.read(id).recovered()).isFalse();
        }
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            assertThat(spool.pending()).containsExactly(id);
            SpooledMessage message = spool.read(id);
            assertThat(message.envelope()).isEqualTo(envelope);
            assertThat(message.recipients()).extracting(RecipientState::status).containsOnly(Status.PENDING);
            assertThat(message.size()).isEqualTo(1024);
            assertThat(message.attempts()).isZero();
            assertThat(message.nextAttempt()).isEqualTo(message.accepted());
            assertThat(message.recovered()).isTrue();
            assertThat(readContent(spool, id)).isEqualTo(body);
        }
    }

    @Test
    void closedWithoutCommitLeavesNothing() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            for (int size : new int[] {0, 100, 5000}) {
                try (MessageWriter writer = spool.begin()) {
                    writer.write(content("abort", size), 0, size);
                }
            }
            assertThat(spool.pending()).isEmpty();
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.pending()).isEmpty();
        }
        assertThat(filesIn(dir.resolve("tmp"))).isEmpty();
    }

    @Test
    void emptyContentRoundTrips() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            QueueId id = commit(spool, envelope(1), new byte[0]);
            assertThat(readContent(spool, id)).isEmpty();
        }
    }

    @Test
    void completeAndDeferSurviveRestart() throws IOException {
        QueueId id;
        Instant next = Instant.parse("2031-02-03T04:05:06.789123Z");
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            id = commit(spool, envelope(3), content("states", 300));
            spool.complete(id, 1, Status.DELIVERED, "250 2.0.0 ok");
            spool.defer(id, next, "451 4.4.1 try later");
            spool.complete(id, 2, Status.FAILED, "550 5.1.1 no such user");
            spool.defer(id, next, "451 4.4.1 still later");
        }
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            SpooledMessage message = spool.read(id);
            assertThat(message.recipients()).extracting(RecipientState::status)
                    .containsExactly(Status.PENDING, Status.DELIVERED, Status.FAILED);
            assertThat(message.recipients()).extracting(RecipientState::diagnostic)
                    .containsExactly("451 4.4.1 still later", "250 2.0.0 ok", "550 5.1.1 no such user");
            assertThat(message.attempts()).isEqualTo(2);
            assertThat(message.nextAttempt()).isEqualTo(next);
        }
    }

    @Test
    void messageWithAllRecipientsFinalIsForgotten() throws IOException {
        QueueId done;
        QueueId other;
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            done = commit(spool, envelope(2), content("done", 100));
            other = commit(spool, envelope(1), content("other", 100));
            spool.complete(done, 0, Status.DELIVERED, "ok");
            assertThat(spool.pending()).containsExactly(done, other);
            spool.complete(done, 1, Status.FAILED, "bounced");
            assertThat(spool.pending()).containsExactly(other);
            assertThatThrownBy(() -> spool.read(done)).isInstanceOf(NoSuchElementException.class);
        }
        try (Spool spool = Spool.open(dir, SpoolSettings.defaults())) {
            assertThat(spool.pending()).containsExactly(other);
        }
    }

    @Test
    void completingAFinalRecipientAgainKeepsTheFirstStatus() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            QueueId id = commit(spool, envelope(2), content("twice", 10));
            spool.complete(id, 0, Status.DELIVERED, "first");
            spool.complete(id, 0, Status.FAILED, "second");
            assertThat(spool.read(id).recipients().getFirst().diagnostic()).isEqualTo("first");
            assertThatThrownBy(() -> spool.complete(id, 2, Status.DELIVERED, ""))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> spool.complete(id, 1, Status.PENDING, ""))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void pendingListsOldestFirstAcrossRestart() throws IOException {
        List<QueueId> ids = new ArrayList<>();
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            for (int i = 0; i < 20; i++) ids.add(commit(spool, envelope(1), content("order" + i, 50)));
            assertThat(spool.pending()).containsExactlyElementsOf(ids);
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.pending()).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void largeMessageRoundTripsThroughASpillFile() throws IOException {
        byte[] body = content("large", 5 * 1024 * 1024 + 17);
        var settings = new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, 1 << 20);
        QueueId id;
        try (Spool spool = Spool.open(dir, settings)) {
            try (MessageWriter writer = spool.begin()) {
                for (int at = 0; at < body.length; at += 65536) {
                    writer.write(body, at, Math.min(65536, body.length - at));
                }
                assertThat(filesIn(dir.resolve("tmp"))).hasSize(1);
                writer.commit(envelope(1));
                id = writer.id();
            }
            assertThat(filesIn(dir.resolve("tmp"))).isEmpty();
            assertThat(readContent(spool, id)).isEqualTo(body);
        }
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(spool.read(id).size()).isEqualTo(body.length);
            assertThat(readContent(spool, id)).isEqualTo(body);
        }
    }

    /** The content stage settles some header fields only at the end of the data: they go in front, CRC and all. */
    @Test
    void aHeadGivenAtCommitPrecedesTheContentInMemoryAndSpilledAndSurvivesAReopen() throws IOException {
        var settings = new SpoolSettings(true, SpoolSettings.DEFAULT_SEGMENT_BYTES, 1024);
        byte[] head = "Authentication-Results: mx.test; none\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<QueueId> ids = new ArrayList<>();
        List<byte[]> bodies = List.of(content("small", 300), content("spilled", 5000));
        try (Spool spool = Spool.open(dir, settings)) {
            for (byte[] body : bodies) {
                try (MessageWriter writer = spool.begin()) {
                    writer.write(body, 0, body.length);
                    writer.commit(envelope(1), head, SpooledMessage.QUARANTINE);
                    ids.add(writer.id());
                }
            }
        }
        try (Spool spool = Spool.open(dir, settings)) {
            for (int i = 0; i < ids.size(); i++) {
                byte[] expected = new byte[head.length + bodies.get(i).length];
                System.arraycopy(head, 0, expected, 0, head.length);
                System.arraycopy(bodies.get(i), 0, expected, head.length, bodies.get(i).length);
                SpooledMessage message = spool.read(ids.get(i));
                assertThat(message.size()).isEqualTo(expected.length);
                assertThat(message.quarantined()).isTrue();
                assertThat(readContent(spool, ids.get(i))).isEqualTo(expected);
            }
        }
    }

    @Test
    void abandonedSpillFileIsDeletedOnClose() throws IOException {
        var settings = new SpoolSettings(false, SpoolSettings.DEFAULT_SEGMENT_BYTES, 1024);
        try (Spool spool = Spool.open(dir, settings)) {
            MessageWriter writer = spool.begin();
            writer.write(content("spill", 4096), 0, 4096);
            assertThat(filesIn(dir.resolve("tmp"))).hasSize(1);
            writer.close();
            assertThat(filesIn(dir.resolve("tmp"))).isEmpty();
        }
    }

    @Test
    void spillFileLeftByACrashIsDeletedOnOpen() throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        Files.write(dir.resolve("tmp").resolve("ABC.spill"), new byte[100]);
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(filesIn(dir.resolve("tmp"))).isEmpty();
            assertThat(spool.pending()).isEmpty();
        }
    }

    @Test
    void queueIdsAreUniqueAcrossRestarts() throws IOException {
        Set<QueueId> seen = new HashSet<>();
        for (int run = 0; run < 3; run++) {
            try (Spool spool = Spool.open(dir, NO_FSYNC)) {
                for (int i = 0; i < 2000; i++) {
                    try (MessageWriter writer = spool.begin()) {
                        assertThat(seen.add(writer.id())).as("fresh id %s", writer.id()).isTrue();
                        assertThat(writer.id().value()).matches("[A-Z0-9]{16}");
                    }
                }
                commit(spool, envelope(1), content("run" + run, 10));
            }
        }
    }

    @Test
    void listenerHearsOfDurableCommits() throws IOException {
        List<QueueId> heard = new ArrayList<>();
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            spool.addListener(heard::add);
            spool.addListener(id -> { throw new IllegalStateException("a listener bug"); });
            QueueId id = commit(spool, envelope(1), content("listen", 10));
            assertThat(heard).containsExactly(id);
        }
    }

    @Test
    void finishedSegmentsAreDeleted() throws IOException {
        var settings = new SpoolSettings(false, 4096, SpoolSettings.DEFAULT_MEMORY_BYTES);
        try (Spool spool = Spool.open(dir, settings)) {
            List<QueueId> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) ids.add(commit(spool, envelope(1), content("seg" + i, 1000)));
            assertThat(segmentsIn(dir)).hasSizeGreaterThan(5);
            for (QueueId id : ids) spool.complete(id, 0, Status.DELIVERED, "ok");
            commit(spool, envelope(1), content("roll", 5000)); // fills the active segment
            commit(spool, envelope(1), content("roll2", 10)); // seals it
            assertThat(segmentsIn(dir)).hasSizeLessThanOrEqualTo(2);
        }
    }

    @Test
    void longRetryingMessageIsMovedOutOfOldSegmentsAtOpen() throws IOException {
        var settings = new SpoolSettings(false, 4096, SpoolSettings.DEFAULT_MEMORY_BYTES);
        QueueId lingering;
        byte[] body = content("linger", 1500);
        try (Spool spool = Spool.open(dir, settings)) {
            lingering = commit(spool, envelope(2), body);
            spool.complete(lingering, 1, Status.DELIVERED, "ok");
            List<QueueId> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) ids.add(commit(spool, envelope(1), content("seg" + i, 1000)));
            for (QueueId id : ids) spool.complete(id, 0, Status.DELIVERED, "ok");
            spool.defer(lingering, Instant.parse("2030-01-01T00:00:00Z"), "451 later");
            assertThat(segmentsIn(dir)).hasSizeGreaterThan(5);
        }
        try (Spool spool = Spool.open(dir, settings)) {
            assertThat(segmentsIn(dir)).hasSizeLessThanOrEqualTo(3);
            assertThat(spool.pending()).containsExactly(lingering);
        }
        try (Spool spool = Spool.open(dir, settings)) {
            SpooledMessage message = spool.read(lingering);
            assertThat(message.recipients()).extracting(RecipientState::status)
                    .containsExactly(Status.PENDING, Status.DELIVERED);
            assertThat(message.attempts()).isEqualTo(1);
            assertThat(readContent(spool, lingering)).isEqualTo(body);
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryFails() throws IOException {
        try (Spool ignored = Spool.open(dir, NO_FSYNC)) {
            assertThatThrownBy(() -> Spool.open(dir, NO_FSYNC)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void writerIsUnusableAfterCommit() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC); MessageWriter writer = spool.begin()) {
            writer.write(new byte[] {1, 2, 3}, 0, 3);
            assertThat(writer.size()).isEqualTo(3);
            writer.commit(envelope(1));
            assertThatThrownBy(() -> writer.commit(envelope(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> writer.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    static List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    static List<Path> segmentsIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList();
        }
    }
}

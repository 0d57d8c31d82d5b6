package dev.tern.spool;

import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.QueueId;
import dev.tern.spool.FaultyChannel.Fault;
import dev.tern.spool.RecipientState.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A complete or defer whose record fails to become durable changes nothing in memory either: the message
 * stays pending with its previous state and keeps its segment, and a retry works and then frees the segment.
 */
class StateChangeFaultTest {
    /** Small segments: the 5,000-byte message fills segment 1, and the next record goes to segment 2. */
    private static final SpoolSettings SETTINGS = new SpoolSettings(true, 4096, SpoolSettings.DEFAULT_MEMORY_BYTES);
    private static final Instant FIRST = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant SECOND = Instant.parse("2030-01-02T00:00:00Z");

    @TempDir
    Path dir;

    private final FaultyChannel.Switch control = new FaultyChannel.Switch();

    private Spool open() throws IOException {
        return Spool.open(dir, SETTINGS, channel -> new FaultyChannel(channel, control));
    }

    /** A message of two recipients, deferred once and with recipient 0 delivered; its segment 1 is sealed. */
    private QueueId prepare(Spool spool) throws IOException {
        QueueId id = commit(spool, envelope(2), content("pinned", 5000));
        spool.defer(id, FIRST, "451 first");
        spool.complete(id, 0, Status.DELIVERED, "250 ok");
        assertThat(Files.exists(segment(1))).isTrue();
        return id;
    }

    private Path segment(long number) {
        return dir.resolve("segment-%012d.log".formatted(number));
    }

    private static void change(Spool spool, QueueId id, boolean complete) throws IOException {
        if (complete) spool.complete(id, 1, Status.FAILED, "550 no");
        else spool.defer(id, SECOND, "451 again");
    }

    private void assertUnchanged(Spool spool, QueueId id, SpooledMessage before) throws IOException {
        assertThat(spool.pending()).containsExactly(id);
        SpooledMessage now = spool.read(id);
        assertThat(now.recipients()).isEqualTo(before.recipients());
        assertThat(now.attempts()).isEqualTo(before.attempts());
        assertThat(now.nextAttempt()).isEqualTo(before.nextAttempt());
        assertThat(Files.exists(segment(1))).as("segment 1 still pinned").isTrue();
    }

    /** Retries the failed change, then finishes the message; its segment goes. */
    private void retryAndFinish(Spool spool, QueueId id, boolean complete, SpooledMessage before) throws IOException {
        change(spool, id, complete);
        if (!complete) {
            SpooledMessage deferred = spool.read(id);
            assertThat(deferred.attempts()).isEqualTo(before.attempts() + 1);
            assertThat(deferred.nextAttempt()).isEqualTo(SECOND);
            assertThat(deferred.recipients().get(1).diagnostic()).isEqualTo("451 again");
            assertThat(deferred.recipients().get(0)).isEqualTo(before.recipients().get(0));
            spool.complete(id, 1, Status.FAILED, "550 no");
        }
        assertThat(spool.pending()).isEmpty();
        assertThatThrownBy(() -> spool.read(id)).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> spool.defer(id, SECOND, "late")).isInstanceOf(NoSuchElementException.class);
        assertThat(Files.exists(segment(1))).as("segment 1 reclaimed").isFalse();
    }

    @ParameterizedTest(name = "{0}, complete {1}")
    @CsvSource(delimiter = '|', textBlock = """
        NO_SPACE         | true
        NO_SPACE         | false
        FLUSH_FAILS_ONCE | true
        FLUSH_FAILS_ONCE | false
        """)
    void failedChangeLeavesStateAndRetryWorks(Fault fault, boolean complete) throws IOException {
        try (Spool spool = open()) {
            QueueId id = prepare(spool);
            SpooledMessage before = spool.read(id);
            control.fault = fault;
            var thrown = assertThatThrownBy(() -> change(spool, id, complete)).isInstanceOf(IOException.class);
            if (fault == Fault.NO_SPACE) thrown.isInstanceOf(SpoolFullException.class);
            control.fault = Fault.NONE;
            assertUnchanged(spool, id, before);
            retryAndFinish(spool, id, complete, before);
        }
        try (Spool spool = Spool.open(dir, SETTINGS)) {
            assertThat(spool.pending()).isEmpty();
        }
    }

    /** After a flush failure the log refuses work until a restart; memory and disk still agree. */
    @ParameterizedTest(name = "complete {0}")
    @CsvSource({"true", "false"})
    void failedFlushThenRestart(boolean complete) throws IOException {
        QueueId id;
        SpooledMessage before;
        try (Spool spool = open()) {
            id = prepare(spool);
            before = spool.read(id);
            control.fault = Fault.FLUSH_FAILS;
            assertThatThrownBy(() -> change(spool, id, complete)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SpoolFullException.class);
            control.fault = Fault.NONE;
            assertUnchanged(spool, id, before);
            assertThatThrownBy(() -> change(spool, id, complete)).hasMessageContaining("restart");
            assertUnchanged(spool, id, before);
        }
        try (Spool spool = open()) {
            assertUnchanged(spool, id, before);
            retryAndFinish(spool, id, complete, before);
        }
    }

    /** Changes are applied in log order, as far as their outcomes are known; failed ones are dropped. */
    @Test
    void settleAppliesDurableChangesInOrder() throws IOException {
        QueuedMessage message;
        try (Spool spool = Spool.open(dir, Fixtures.NO_FSYNC)) {
            QueueId id = commit(spool, envelope(3), content("order", 10));
            message = new QueuedMessage(new LogRecord.Message(id, FIRST, envelope(3),
                    spool.read(id).recipients(), 0, FIRST, 10, 0, 0), new SegmentLog.Location(1, 100), false);
        }
        var first = new CompletableFuture<SegmentLog.Location>();
        var failed = new CompletableFuture<SegmentLog.Location>();
        var third = new CompletableFuture<SegmentLog.Location>();
        message.expect(first, () -> message.complete(0, Status.DELIVERED, "first"));
        message.expect(failed, () -> message.complete(1, Status.DELIVERED, "failed"));
        message.expect(third, () -> message.complete(0, Status.FAILED, "third"));
        message.settle();
        assertThat(message.changing()).isTrue();
        assertThat(message.snapshot().recipients().get(0).status()).isEqualTo(Status.PENDING);
        first.complete(new SegmentLog.Location(1, 0));
        failed.completeExceptionally(new IOException("lost"));
        message.settle();
        assertThat(message.changing()).isTrue();
        assertThat(message.snapshot().recipients().get(0).diagnostic()).isEqualTo("first");
        assertThat(message.snapshot().recipients().get(1).status()).isEqualTo(Status.PENDING);
        third.complete(new SegmentLog.Location(1, 0));
        message.settle();
        assertThat(message.changing()).isFalse();
        assertThat(message.snapshot().recipients().get(0).diagnostic()).isEqualTo("first"); // first final status stays
    }
}

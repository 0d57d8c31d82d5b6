package dev.tern.spool;

import static dev.tern.spool.Fixtures.NO_FSYNC;
import static dev.tern.spool.Fixtures.commit;
import static dev.tern.spool.Fixtures.content;
import static dev.tern.spool.Fixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState.Attempt;
import dev.tern.spool.RecipientState.Status;
import dev.tern.spool.Spool.Change;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-recipient history, flags and batched changes (format version 2) survive restarts and compaction. */
class SpoolUpdateTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Instant LATER = Instant.parse("2026-12-01T10:05:00Z");

    @TempDir
    Path dir;

    @Test
    void oneAttemptOfManyRecipientsIsOneCallAndSurvivesARestart() throws IOException {
        QueueId id;
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            id = commit(spool, envelope(3), content("history", 100));
            spool.update(id, List.of(
                    new Change.Attempted(0, new Attempt(T0, "mx.example.net[192.0.2.1]", "250 2.0.0 ok")),
                    new Change.Completed(0, Status.DELIVERED, "250 2.0.0 ok"),
                    new Change.Attempted(1, new Attempt(T0, "mx.example.net[192.0.2.1]", "450 4.2.0 mailbox busy")),
                    new Change.Attempted(2, new Attempt(T0, "mx.example.net[192.0.2.1]", "550 5.1.1 no such user")),
                    new Change.Completed(2, Status.FAILED, "550 5.1.1 no such user"),
                    new Change.Deferred(LATER)));
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            SpooledMessage message = spool.read(id);
            assertThat(message.attempts()).isEqualTo(1);
            assertThat(message.nextAttempt()).isEqualTo(LATER);
            assertThat(message.recipients()).extracting(RecipientState::status)
                    .containsExactly(Status.DELIVERED, Status.PENDING, Status.FAILED);
            RecipientState busy = message.recipients().get(1);
            assertThat(busy.diagnostic()).isEqualTo("450 4.2.0 mailbox busy");
            assertThat(busy.history()).containsExactly(new Attempt(T0, "mx.example.net[192.0.2.1]", "450 4.2.0 mailbox busy"));
            assertThat(message.recipients().get(2).diagnostic()).isEqualTo("550 5.1.1 no such user");
        }
    }

    @Test
    void historyIsBoundedAndKeptThroughCompaction() throws IOException {
        QueueId id;
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            id = commit(spool, envelope(1), content("bounded", 100));
            for (int i = 0; i < 15; i++) {
                spool.update(id, List.of(new Change.Attempted(0, new Attempt(T0.plusSeconds(i), "", "4.4.1 attempt " + i)),
                        new Change.Deferred(LATER)));
            }
            spool.update(id, List.of(Change.Flagged.setting(SpooledMessage.HELD | SpooledMessage.DELAY_WARNED)));
            spool.compactOldest();
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            SpooledMessage message = spool.read(id);
            List<Attempt> history = message.recipients().getFirst().history();
            assertThat(history).hasSize(RecipientState.MAX_HISTORY);
            assertThat(history.getLast().diagnostic()).isEqualTo("4.4.1 attempt 14");
            assertThat(history.getFirst().diagnostic()).isEqualTo("4.4.1 attempt 5");
            assertThat(message.attempts()).isEqualTo(15);
            assertThat(message.held()).isTrue();
            assertThat(message.delayWarned()).isTrue();
        }
    }

    @Test
    void releasingClearsTheHoldDurably() throws IOException {
        QueueId id;
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            id = commit(spool, envelope(1), content("hold", 10));
            spool.update(id, List.of(Change.Flagged.setting(SpooledMessage.HELD)));
            assertThat(spool.read(id).held()).isTrue();
            spool.update(id, List.of(Change.Flagged.clearing(SpooledMessage.HELD)));
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.read(id).held()).isFalse();
        }
    }

    @Test
    void flagChangesOfDifferentBitsNeverUndoEachOther() throws IOException {
        QueueId id;
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            id = commit(spool, envelope(1), content("bits", 10));
            SpooledMessage before = spool.read(id); // a delivery's snapshot, taken before the operator's hold
            spool.update(id, List.of(Change.Flagged.setting(SpooledMessage.HELD)));
            spool.update(id, List.of(Change.Flagged.setting(SpooledMessage.DELAY_WARNED))); // from that delivery
            assertThat(before.held()).isFalse();
        }
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            assertThat(spool.read(id).held()).isTrue();
            assertThat(spool.read(id).delayWarned()).isTrue();
        }
    }

    @Test
    void completingEveryRecipientInOneCallFinishesTheMessage() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            QueueId id = commit(spool, envelope(4), content("all", 10));
            List<Change> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) all.add(new Change.Completed(i, Status.DELIVERED, ""));
            spool.update(id, all);
            assertThat(spool.pending()).doesNotContain(id);
            assertThatThrownBy(() -> spool.read(id)).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void aChangeForAMissingRecipientChangesNothing() throws IOException {
        try (Spool spool = Spool.open(dir, NO_FSYNC)) {
            QueueId id = commit(spool, envelope(1), content("bad", 10));
            assertThatThrownBy(() -> spool.update(id, List.of(new Change.Deferred(LATER),
                    new Change.Completed(5, Status.DELIVERED, "")))).isInstanceOf(IllegalArgumentException.class);
            assertThat(spool.read(id).attempts()).isZero();
        }
    }
}

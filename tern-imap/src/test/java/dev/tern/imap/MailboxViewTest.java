package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.store.FolderChange;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.MessageMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sessions of one folder share the snapshot's message list (issue 8: idle sessions at most 32 KiB each) until a
 * change inside it needs a copy; what the view answers is the same either way.
 */
class MailboxViewTest {
    private static final MailboxView.Format PLAIN = new MailboxView.Format(false, false);

    private static MessageMeta meta(long uid, long modSeq, String... flags) {
        return new MessageMeta(uid, modSeq, Set.of(flags), Instant.EPOCH, 100);
    }

    /** UIDs 1..5 at mod-sequence 1. */
    private static FolderSnapshot snapshot() {
        return new FolderSnapshot(7, 6, 1, LongStream.rangeClosed(1, 5).mapToObj(u -> meta(u, 1)).toList());
    }

    record Case(String name, Consumer<MailboxView> change, boolean stillShared, List<Long> uids) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                // Nothing that touches the shared part: no copy.
                new Case("nothing", v -> {}, true, List.of(1L, 2L, 3L, 4L, 5L)),
                new Case("new mail", v -> added(v, 6, 7), true, List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L)),
                new Case("flags of new mail", v -> {
                    added(v, 6);
                    v.queue(new FolderChange.FlagsChanged(List.of(meta(6, 3, "\\Seen"))));
                    v.flush(true, PLAIN);
                }, true, List.of(1L, 2L, 3L, 4L, 5L, 6L)),
                new Case("expunge of new mail", v -> {
                    added(v, 6, 7);
                    v.remove(List.of(6L), PLAIN);
                }, true, List.of(1L, 2L, 3L, 4L, 5L, 7L)),
                new Case("own STORE that changed nothing", v -> v.update(List.of(meta(2, 1))), true,
                        List.of(1L, 2L, 3L, 4L, 5L)),
                new Case("expunge of an unknown UID", v -> v.remove(List.of(99L), PLAIN), true,
                        List.of(1L, 2L, 3L, 4L, 5L)),
                // A change inside it: a private copy.
                new Case("flags of a shared message", v -> {
                    v.queue(new FolderChange.FlagsChanged(List.of(meta(2, 2, "\\Seen"))));
                    v.flush(true, PLAIN);
                }, false, List.of(1L, 2L, 3L, 4L, 5L)),
                new Case("own STORE", v -> v.update(List.of(meta(3, 2, "\\Flagged"))), false,
                        List.of(1L, 2L, 3L, 4L, 5L)),
                new Case("expunge of a shared message", v -> {
                    added(v, 6);
                    v.remove(List.of(2L, 6L), PLAIN);
                }, false, List.of(1L, 3L, 4L, 5L)));
    }

    private static void added(MailboxView view, long... uids) {
        List<MessageMeta> metas = new ArrayList<>();
        for (long uid : uids) metas.add(meta(uid, 2));
        view.queue(new FolderChange.Added(metas));
        view.flush(true, PLAIN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sharesTheSnapshotsListUntilAChangeInsideIt(Case c) {
        FolderSnapshot snapshot = snapshot();
        MailboxView view = new MailboxView(snapshot);
        c.change().accept(view);
        assertThat(view.shares(snapshot.messages())).isEqualTo(c.stillShared());
        assertThat(view.messages()).extracting(MessageMeta::uid).containsExactlyElementsOf(c.uids());
        assertThat(view.size()).isEqualTo(c.uids().size());
        for (int seq = 1; seq <= view.size(); seq++) {
            assertThat(view.at(seq).uid()).isEqualTo(c.uids().get(seq - 1));
            assertThat(view.sequenceOf(c.uids().get(seq - 1))).isEqualTo(seq);
        }
    }

    @Test
    void unchangedViewHandsOutTheSnapshotsListItself() {
        FolderSnapshot snapshot = snapshot();
        MailboxView a = new MailboxView(snapshot);
        MailboxView b = new MailboxView(snapshot);
        assertThat(a.messages()).isSameAs(snapshot.messages()).isSameAs(b.messages());
    }

    @Test
    void copiedViewKeepsItsChangesAndTellsThem() {
        FolderSnapshot snapshot = snapshot();
        MailboxView view = new MailboxView(snapshot);
        view.queue(new FolderChange.FlagsChanged(List.of(meta(2, 2, "\\Seen"))));
        List<Response> told = view.flush(true, PLAIN);
        assertThat(told).extracting(r -> ResponseEncoder.encodeToString(r, TextMode.ASCII).strip())
                .containsExactly("* 2 FETCH (UID 2 FLAGS (\\Seen))");
        assertThat(view.at(2).flags()).containsExactly("\\Seen");
        assertThat(snapshot.messages().get(1).flags()).as("the shared list is never written").isEmpty();
        assertThat(view.remove(List.of(1L, 3L), PLAIN))
                .extracting(r -> ResponseEncoder.encodeToString(r, TextMode.ASCII).strip())
                .containsExactly("* 1 EXPUNGE", "* 2 EXPUNGE");
        assertThat(snapshot.messages()).hasSize(5);
    }

    @Test
    void resyncSharesTheNewSnapshotsList() {
        MailboxView view = new MailboxView(snapshot());
        view.update(List.of(meta(3, 2, "\\Flagged"))); // a private copy now
        FolderSnapshot later = new FolderSnapshot(7, 7, 3, List.of(meta(1, 1), meta(3, 2, "\\Flagged"), meta(6, 3)));
        view.resync(later, PLAIN);
        assertThat(view.shares(later.messages())).isTrue();
        assertThat(view.messages()).isSameAs(later.messages());
    }
}

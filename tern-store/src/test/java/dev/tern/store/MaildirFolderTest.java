package dev.tern.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirFolderTest {
    private static final Mailbox ALICE = Mailbox.of("alice", "example.com");

    @TempDir
    Path temp;
    private MaildirStore store;
    private Folders folders;
    private Folder inbox;

    @BeforeEach
    void open() throws IOException {
        store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        folders = store.folders(ALICE);
        inbox = folders.open("INBOX").orElseThrow();
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /**
     * Reopening replays the Expunges still in the log; their files are normally gone already, and finding that out
     * reads cur/ once for them all, not once each (found by review: quadratic recovery).
     */
    @Test
    void reopeningAfterManyExpungesListsCurAtMostOnce() throws IOException {
        List<Long> uids = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) uids.add(inbox.append(stream("Subject: " + i + "\r\n\r\nx\r\n"), Set.of(), null).uid());
        for (long uid : uids.subList(0, 150)) inbox.expunge(List.of(uid)); // one Expunge record each
        store.close();
        long before = Directories.ENTRIES_READ.sum();
        store = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder reopened = store.folders(ALICE).open("INBOX").orElseThrow();
        assertThat(reopened.snapshot().messages()).hasSize(50);
        // The first open lists cur/ once to find files the index does not know; the replayed Expunges add at most one more.
        assertThat(Directories.ENTRIES_READ.sum() - before).isLessThanOrEqualTo(2 * 50 + 20);
    }

    @Test
    void appendedMessageReadsBackAsCrlfWithItsSizeFlagsAndDate() throws IOException {
        Instant date = Instant.parse("2024-05-01T10:00:00Z");
        String message = "Subject: hi\r\n\r\nline\r\nbare\rcr\r\n";
        AppendResult appended = inbox.append(stream(message), Set.of("\\seen", "$Label", "\\Recent"), date);

        assertThat(appended.uidValidity()).isEqualTo(inbox.uidValidity());
        FolderSnapshot snapshot = inbox.snapshot();
        assertThat(snapshot.uidNext()).isEqualTo(appended.uid() + 1);
        MessageMeta meta = snapshot.messages().getFirst();
        assertThat(meta.flags()).containsExactlyInAnyOrder("\\Seen", "$Label");
        assertThat(meta.internalDate()).isEqualTo(date);
        assertThat(meta.size()).isEqualTo(message.length());
        assertThat(read(inbox, appended.uid())).isEqualTo(message);
        assertThat(Files.list(store.directory(ALICE).resolve("cur")).toList()).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).endsWith(":2,S"));
    }

    @Test
    void deliveredMessageGetsAUidOnSnapshotAndMovesToCur() throws IOException {
        store.deliver(ALICE, "Q1", stream("Subject: a\r\n\r\nbody\r\n"), false);
        store.deliver(ALICE, "Q2", stream("Subject: b\r\n\r\nbody\r\n"), false);

        List<MessageMeta> messages = inbox.snapshot().messages();

        assertThat(messages).extracting(MessageMeta::uid).containsExactly(1L, 2L);
        assertThat(messages.getFirst().size()).isEqualTo("Subject: a\r\n\r\nbody\r\n".length());
        assertThat(Files.list(store.directory(ALICE).resolve("new")).toList()).isEmpty();
        assertThat(read(inbox, 1)).isEqualTo("Subject: a\r\n\r\nbody\r\n");
    }

    @Test
    void foreignFilesInNewAndCurArePickedUpWithTheirFlags() throws IOException {
        Path maildir = store.directory(ALICE);
        Files.writeString(maildir.resolve("new/1600000000.M1P2.other"), "From: x\n\nhello\n");
        Files.writeString(maildir.resolve("cur/1600000001.M3P4.other:2,FS"), "From: y\n\nseen\n");
        MaildirStore fresh = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder reopened = fresh.folders(ALICE).open("INBOX").orElseThrow();

        List<MessageMeta> messages = reopened.snapshot().messages();

        assertThat(messages).hasSize(2);
        assertThat(messages).anySatisfy(m -> assertThat(m.flags()).containsExactlyInAnyOrder("\\Seen", "\\Flagged"));
        assertThat(messages).extracting(MessageMeta::size).containsExactlyInAnyOrder(18L, 17L); // each LF counts as CRLF
    }

    @Test
    void storeChangesFlagsWithModSeqsAndHonoursUnchangedSince() throws IOException {
        long a = inbox.append(stream("a\r\n"), Set.of(), null).uid();
        long b = inbox.append(stream("b\r\n"), Set.of(), null).uid();
        long before = inbox.snapshot().highestModSeq();

        StoreResult added = inbox.store(List.of(a, b, 99L), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        assertThat(added.updated()).extracting(MessageMeta::uid).containsExactly(a, b);
        assertThat(added.updated()).allSatisfy(m -> assertThat(m.modSeq()).isGreaterThan(before));

        long afterAdd = inbox.snapshot().highestModSeq();
        StoreResult conditional = inbox.store(List.of(a), FlagOperation.ADD, Set.of("\\Flagged"), OptionalLong.of(before));
        assertThat(conditional.modified()).containsExactly(a);
        assertThat(conditional.updated()).isEmpty();

        StoreResult removed = inbox.store(List.of(a), FlagOperation.REMOVE, Set.of("\\Seen"), OptionalLong.of(afterAdd));
        assertThat(removed.updated().getFirst().flags()).isEmpty();
        StoreResult noop = inbox.store(List.of(b), FlagOperation.REPLACE, Set.of("\\Seen"), OptionalLong.empty());
        assertThat(noop.updated().getFirst().modSeq()).isEqualTo(afterAdd);
    }

    @Test
    void expungeRemovesFileAndLeavesATombstone() throws IOException {
        long a = inbox.append(stream("a\r\n"), Set.of(), null).uid();
        long b = inbox.append(stream("b\r\n"), Set.of(), null).uid();
        long modSeq = inbox.snapshot().highestModSeq();

        assertThat(inbox.expunge(List.of(a, 42L))).containsExactly(a);

        assertThat(inbox.snapshot().messages()).extracting(MessageMeta::uid).containsExactly(b);
        assertThat(inbox.content(a)).isEmpty();
        assertThat(inbox.expungedSince(modSeq)).containsExactly(a);
        assertThat(inbox.expungedSince(modSeq + 1)).isEmpty();
        assertThat(inbox.expungeHorizon()).isLessThanOrEqualTo(modSeq);
        assertThat(Files.list(store.directory(ALICE).resolve("cur")).toList()).hasSize(1);
    }

    @Test
    void copyAndMoveKeepFlagsAndDatesAndReportUids() throws IOException {
        Folder trash = folders.open("Trash").orElseThrow();
        Instant date = Instant.parse("2020-01-01T00:00:00Z");
        long a = inbox.append(stream("a\r\n"), Set.of("\\Flagged"), date).uid();
        long b = inbox.append(stream("b\r\n"), Set.of(), date).uid();

        CopyResult copied = inbox.copy(List.of(a, 77L), trash);
        assertThat(copied.sourceUids()).containsExactly(a);
        assertThat(copied.targetUidValidity()).isEqualTo(trash.uidValidity());
        MessageMeta copy = trash.snapshot().messages().getFirst();
        assertThat(copy.flags()).containsExactly("\\Flagged");
        assertThat(copy.internalDate()).isEqualTo(date);
        assertThat(read(trash, copied.targetUids().getFirst())).isEqualTo("a\r\n");

        CopyResult moved = inbox.move(List.of(b), trash);
        assertThat(moved.targetUids()).hasSize(1);
        assertThat(inbox.snapshot().messages()).extracting(MessageMeta::uid).containsExactly(a);
        assertThat(trash.snapshot().messages()).hasSize(2);
    }

    @Test
    void uidsAreNeverReusedAcrossReopen() throws IOException {
        long a = inbox.append(stream("a\r\n"), Set.of(), null).uid();
        long b = inbox.append(stream("b\r\n"), Set.of(), null).uid();
        inbox.expunge(List.of(b));
        long validity = inbox.uidValidity();

        MaildirStore again = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder reopened = again.folders(ALICE).open("INBOX").orElseThrow();

        assertThat(reopened.uidValidity()).isEqualTo(validity);
        assertThat(reopened.snapshot().uidNext()).isEqualTo(b + 1);
        assertThat(reopened.append(stream("c\r\n"), Set.of(), null).uid()).isGreaterThan(b);
        assertThat(reopened.snapshot().messages()).extracting(MessageMeta::uid).startsWith(a);
    }

    @Test
    void manyChangesCompactTheLogAndReloadTheSame() throws IOException {
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 1500; i++) uids.add(inbox.append(stream("m" + i + "\r\n"), Set.of(), null).uid());
        inbox.expunge(uids.subList(0, 500));
        inbox.store(uids.subList(500, 600), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        FolderSnapshot before = inbox.snapshot();
        assertThat(store.directory(ALICE).resolve(IndexFiles.SNAPSHOT)).exists();

        MaildirStore again = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        FolderSnapshot after = again.folders(ALICE).open("INBOX").orElseThrow().snapshot();

        assertThat(after.equals(before)).as("snapshot equal after reload").isTrue();
        assertThat(again.folders(ALICE).open("INBOX").orElseThrow().expungedSince(0)).hasSize(500);
    }

    @Test
    void lostIndexIsRebuiltFromTheFilesWithANewUidValidity() throws IOException {
        inbox.append(stream("a\r\n"), Set.of("\\Seen"), null);
        long validity = inbox.uidValidity();
        Files.delete(store.directory(ALICE).resolve(IndexFiles.LOG));

        MaildirStore again = new MaildirStore(new MaildirSettings(temp.resolve("mail"), "mx.test"));
        Folder rebuilt = again.folders(ALICE).open("INBOX").orElseThrow();

        assertThat(rebuilt.uidValidity()).isGreaterThan(validity);
        assertThat(rebuilt.snapshot().messages()).singleElement()
                .satisfies(m -> assertThat(m.flags()).containsExactly("\\Seen"));
    }

    @Test
    void watchersHearAppendsFlagsExpungesAndDeliveriesInOrder() throws Exception {
        LinkedBlockingQueue<FolderChange> heard = new LinkedBlockingQueue<>();
        try (Folder.Subscription subscription = inbox.watch(heard::add)) {
            long a = inbox.append(stream("a\r\n"), Set.of(), null).uid();
            inbox.store(List.of(a), FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
            inbox.expunge(List.of(a));
            store.deliver(ALICE, "Q7", stream("Subject: d\r\n\r\nx\r\n"), false);

            assertThat(heard.poll(5, TimeUnit.SECONDS)).isInstanceOf(FolderChange.Added.class);
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isInstanceOf(FolderChange.FlagsChanged.class);
            assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(new FolderChange.Expunged(List.of(a), 4));
            // The delivery is told before deliver returns: no poll interval in between (IDLE's latency).
            assertThat(heard.poll()).isInstanceOf(FolderChange.Added.class);
        }
    }

    @Test
    void watchersHearOfFilesOtherProgramsPutIntoNew() throws Exception {
        LinkedBlockingQueue<FolderChange> heard = new LinkedBlockingQueue<>();
        try (Folder.Subscription subscription = inbox.watch(heard::add)) {
            Path maildir = store.directory(ALICE);
            Path tmp = maildir.resolve("tmp/1600000000.M9P9.other");
            Files.writeString(tmp, "From: z\n\nhi\n");
            Files.move(tmp, maildir.resolve("new/1600000000.M9P9.other"));

            FolderChange change = heard.poll(5, TimeUnit.SECONDS);
            assertThat(change).isInstanceOf(FolderChange.Added.class);
            assertThat(((FolderChange.Added) change).messages()).singleElement()
                    .satisfies(m -> assertThat(m.size()).isEqualTo(15));
        }
    }

    @Test
    void oneFolderObjectPerFolderAndStore() throws IOException {
        assertThat(folders.open("Sent").orElseThrow()).isSameAs(store.folders(ALICE).open("Sent").orElseThrow());
        assertThat(folders.open("Nope")).isEqualTo(Optional.empty());
    }

    static String read(Folder folder, long uid) throws IOException {
        try (InputStream in = folder.content(uid).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.store.Folders;
import dev.tern.store.MaildirStore;
import dev.tern.store.MessageMeta;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defects a black-box run of real clients against the server found, each as the transcript that reproduces it
 * (see {@link Transcript}); the RFC rule is named on each test.
 */
class ImapConformanceTest {
    private static final String SELECT_INBOX = Transcript.loginAndSelect("alice", "INBOX");

    private final MemoryFolders folders = new MemoryFolders();
    private final MemoryFolder inbox = folders.folder("INBOX");

    private void deliver(int n) {
        for (int i = 1; i <= n; i++) inbox.deliver("Subject: m" + i + "\n\nhello\n");
    }

    /**
     * RFC 9051 §9 seq-number: a message sequence number greater than the number of messages is a BAD, and so is
     * {@code *} in an empty mailbox; UIDs that do not exist are not an error (§6.4.8).
     */
    @Test
    void sequenceNumbersBeyondTheMailboxAreBad() {
        deliver(3);
        Transcript.of(folders).run(SELECT_INBOX + """
                C: a3 FETCH 4 UID
                S: a3 BAD Message sequence number beyond the last message
                C: a4 FETCH 2:5 UID
                S: a4 BAD Message sequence number beyond the last message
                C: a5 FETCH 5:* UID
                S: a5 BAD Message sequence number beyond the last message
                C: a6 STORE 1,4 +FLAGS (\\Seen)
                S: a6 BAD Message sequence number beyond the last message
                C: a7 COPY 9 Trash
                S: a7 BAD Message sequence number beyond the last message
                C: a8 MOVE 9 Trash
                S: a8 BAD Message sequence number beyond the last message
                C: a9 FETCH 3:* UID
                S: * 3 FETCH (UID 3)
                S: a9 OK FETCH completed
                C: b1 FETCH *:2 UID
                S: * 2 FETCH (UID 2)
                S: * 3 FETCH (UID 3)
                S: b1 OK FETCH completed
                C: b2 UID FETCH 4:9 UID
                S: b2 OK FETCH completed
                C: b3 UID STORE 9 +FLAGS (\\Seen)
                S: b3 OK STORE completed
                C: b4 SELECT Trash
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: b4 OK [READ-WRITE] SELECT completed
                C: b5 FETCH 1:* UID
                S: b5 BAD Message sequence number beyond the last message
                C: b6 FETCH * UID
                S: b6 BAD Message sequence number beyond the last message
                C: b7 UID FETCH 1:* UID
                S: b7 OK FETCH completed
                C: b8 SEARCH 1:5
                S: * SEARCH
                S: b8 OK SEARCH completed
                """);
    }

    /** RFC 9051 §6.3.4: a server that does not delete a mailbox with children says NO [HASCHILDREN]. */
    @Test
    void deleteOfAMailboxWithChildrenIsNoHasChildren() {
        folders.create("Work.Projects", java.util.Optional.empty());
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 DELETE Work
                S: a2 NO [HASCHILDREN] Mailbox has inferior hierarchical names; delete them first
                C: a3 DELETE Work.Projects
                S: a3 OK DELETE completed
                C: a4 DELETE Work
                S: a4 OK DELETE completed
                """);
    }

    /**
     * RFC 3516 §4.3: BINARY of a part whose Content-Transfer-Encoding the server cannot undo is NO [UNKNOWN-CTE];
     * a FETCH left with no items is not sent (RFC 9051 §9 msg-att holds at least one).
     */
    @Test
    void binaryOfAnUnknownEncodingIsNoUnknownCte() {
        inbox.deliver("Subject: u\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n");
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 EXAMINE INBOX
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: a2 OK [READ-ONLY] EXAMINE completed
                C: a3 FETCH 1 (UID BINARY.PEEK[1])
                S: * 1 FETCH (UID 1)
                S: a3 NO [UNKNOWN-CTE] Cannot decode the Content-Transfer-Encoding of a requested part
                C: a4 FETCH 1 (BINARY.SIZE[1])
                S: a4 NO [UNKNOWN-CTE] Cannot decode the Content-Transfer-Encoding of a requested part
                C: a5 FETCH 1 (BODY.PEEK[1])
                S: * 1 FETCH (BODY[1] {13}
                S: begin 644 x
                S: )
                S: a5 OK FETCH completed
                """);
    }

    /**
     * RFC 5258 §3.5: with RECURSIVEMATCH, a name the pattern matches that has subscribed children the pattern does
     * not match is listed with CHILDINFO, subscribed itself or not.
     */
    @Test
    void recursiveMatchTellsParentsOfSubscribedChildren() {
        folders.create("Work.Projects", java.util.Optional.empty());
        folders.create("Play.Games", java.util.Optional.empty());
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 SUBSCRIBE Work.Projects
                S: a2 OK SUBSCRIBE completed
                C: a3 SUBSCRIBE Play
                S: a3 OK SUBSCRIBE completed
                C: a4 SUBSCRIBE Play.Games
                S: a4 OK SUBSCRIBE completed
                C: a5 LIST (SUBSCRIBED RECURSIVEMATCH) "" P%
                S: * LIST (\\HasChildren \\Subscribed) "." Play ("CHILDINFO" ("SUBSCRIBED"))
                S: a5 OK LIST completed
                C: a6 LIST (SUBSCRIBED RECURSIVEMATCH) "" W%
                S: * LIST (\\HasChildren) "." Work ("CHILDINFO" ("SUBSCRIBED"))
                S: a6 OK LIST completed
                C: a7 LIST (SUBSCRIBED RECURSIVEMATCH) "" W*
                S: * LIST (\\HasNoChildren \\Subscribed) "." Work.Projects
                S: a7 OK LIST completed
                C: a8 LIST (SUBSCRIBED) "" W%
                S: a8 OK LIST completed
                """);
    }

    /**
     * RFC 9051 §6.4.3: EXPUNGE removes the messages that have {@code \Deleted} set, as they are now: one that
     * another session un-deleted, before this session heard of it, stays (found by review: the view's stale flag
     * used to decide).
     */
    @Test
    void expungeKeepsAMessageAnotherSessionUndeleted() throws Exception {
        deliver(3);
        String select = SELECT_INBOX;
        Transcript desktop = Transcript.of(folders).run(select + """
                C: a3 STORE 1,2 +FLAGS.SILENT (\\Deleted)
                S: a3 OK STORE completed
                """);
        Transcript.of(folders).run(select + """
                C: a3 STORE 1 -FLAGS.SILENT (\\Deleted)
                S: a3 OK STORE completed
                """);
        desktop.run("""
                C: a4 EXPUNGE
                S: * 2 EXPUNGE
                S: * 1 FETCH (UID 1 FLAGS ())
                S: a4 OK EXPUNGE completed
                """);
        assertThat(inbox.snapshot().messages()).extracting(MessageMeta::uid).containsExactly(1L, 3L);
    }

    /** A message carries at most MessageMeta.MAX_FLAGS flags: beyond is NO [LIMIT] and nothing is stored. */
    @Test
    void tooManyKeywordsOnOneMessageIsNoLimit() throws Exception {
        deliver(1);
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= MessageMeta.MAX_FLAGS + 1; i++) many.append(i == 1 ? "" : " ").append("k").append(i);
        Transcript.of(folders).run(SELECT_INBOX + """
                C: a3 STORE 1 +FLAGS.SILENT (%s)
                S: a3 NO [LIMIT] At most 256 flags and keywords on a message
                C: a4 APPEND INBOX (%s) {1+}
                C: x
                S: a4 NO [LIMIT] At most 256 flags and keywords on a message
                """.formatted(many, many));
        assertThat(inbox.snapshot().messages()).singleElement().satisfies(m -> assertThat(m.flags()).isEmpty());
    }

    /**
     * RENAME or DELETE of the selected mailbox (by this session or another) ends the selection with
     * {@code * OK [CLOSED]}, over the real Maildir++ store (found by review: every later command said NO).
     */
    @Test
    void renamingTheSelectedMailboxEndsTheSelection(@TempDir Path dir) throws Exception {
        try (MaildirStore store = MaildirStore.open(dir)) {
            Folders real = store.folders(dev.tern.mail.Mailbox.of("alice", "example.org"));
            real.create("Work", Optional.empty());
            Transcript.of(real).run(Transcript.loginAndSelect("alice", "Work") + """
                    C: a3 RENAME Work Old
                    S: * OK [CLOSED] The selected mailbox was deleted or renamed
                    S: a3 OK RENAME completed
                    C: a4 FETCH 1 FLAGS
                    S: a4 BAD No mailbox selected
                    C: a5 SELECT Old
                    S: *
                    S: *
                    S: *
                    S: *
                    S: *
                    S: *
                    S: *
                    S: a5 OK [READ-WRITE] SELECT completed
                    """);
        }
    }

    /**
     * RFC 7162 §3.2.5.2: a QRESYNC from a mod-sequence older than the expunges the store remembers gets every
     * non-live UID below UIDNEXT as VANISHED (EARLIER), not an incomplete list (found by review).
     */
    @Test
    void qresyncBelowTheExpungeHorizonReportsEveryGap() throws Exception {
        deliver(6);
        inbox.expunge(java.util.List.of(2L, 3L));
        inbox.expunge(java.util.List.of(5L));
        inbox.forgetExpungesBefore(inbox.snapshot().highestModSeq()); // the tombstones of 2, 3 and 5 are gone
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 ENABLE QRESYNC
                S: * ENABLED QRESYNC
                S: a2 OK *
                C: a3 SELECT INBOX (QRESYNC (1000 1))
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: * VANISHED (EARLIER) 2:3,5
                S: * 1 FETCH *
                S: * 2 FETCH *
                S: * 3 FETCH *
                S: a3 OK [READ-WRITE] SELECT completed
                """);
    }
}

package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The session in memory, as transcripts in RFC 9051's notation (see {@link Transcript}). */
class ImapSessionTest {
    static final String CAPS = "IMAP4rev2 IMAP4rev1 LITERAL+ ENABLE IDLE NAMESPACE ID UIDPLUS MOVE UNSELECT CHILDREN "
            + "LIST-EXTENDED LIST-STATUS SPECIAL-USE STATUS=SIZE ESEARCH CONDSTORE QRESYNC BINARY UTF8=ACCEPT";

    private final MemoryFolders folders = new MemoryFolders();
    private final MemoryFolder inbox = folders.folder("INBOX");

    private static final String SELECT_INBOX_3 = """
            S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
            S: * 3 EXISTS
            S: * 0 RECENT
            S: * OK [UIDVALIDITY 1000] UIDs valid
            S: * OK [UIDNEXT 4] Predicted next UID
            S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted
            """;

    private void deliver(int n) {
        for (int i = 1; i <= n; i++) inbox.deliver("Subject: m" + i + "\n\nhello\n");
    }

    @Test
    void beforeTlsLoginIsDisabledUnlessPlaintextIsAllowed() {
        Transcript.of(folders, ImapSecurity.plaintext(false, true)).run("""
                S: * OK [CAPABILITY %s STARTTLS LOGINDISABLED] Tern IMAP4rev2 ready
                C: a1 LOGIN alice secret
                S: a1 NO [PRIVACYREQUIRED] Use STARTTLS before LOGIN
                C: a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
                S: a2 NO [PRIVACYREQUIRED] Use STARTTLS before AUTHENTICATE
                C: a3 STARTTLS
                S: a3 OK Begin TLS negotiation now
                C: a4 CAPABILITY
                S: * CAPABILITY %s SASL-IR AUTH=PLAIN AUTH=SCRAM-SHA-256
                S: a4 OK CAPABILITY completed
                C: a5 LOGIN alice secret
                S: a5 OK [CAPABILITY %s] Logged in
                C: a6 STARTTLS
                S: a6 BAD Already logged in
                """.formatted(CAPS, CAPS, CAPS));
    }

    /** RFC 9051 §8, with FETCH items this slice answers without the MIME code (ENVELOPE: ImapFetchSearchTest). */
    @Test
    void rfc9051SampleSession() {
        deliver(3);
        Transcript.of(folders).run("""
                S: * OK [CAPABILITY IMAP4rev2 *
                C: a001 login mrc secret
                S: a001 OK [CAPABILITY IMAP4rev2 *
                C: a002 select inbox
                """ + SELECT_INBOX_3 + """
                S: * OK [HIGHESTMODSEQ 4] Highest
                S: a002 OK [READ-WRITE] SELECT completed
                C: a003 fetch 2 (flags rfc822.size internaldate uid)
                S: * 2 FETCH (FLAGS () RFC822.SIZE 22 INTERNALDATE "01-Mar-2024 10:00:00 +0000" UID 2)
                S: a003 OK FETCH completed
                C: a004 fetch 2 body[]
                S: * 2 FETCH (BODY[] {22}
                S: Subject: m2
                S:
                S: hello
                S: FLAGS (\\Seen))
                S: a004 OK FETCH completed
                C: a005 store 2 +flags \\deleted
                S: * 2 FETCH (FLAGS (\\Deleted \\Seen))
                S: a005 OK STORE completed
                C: a006 logout
                S: * BYE Logging out
                S: a006 OK LOGOUT completed
                """);
    }

    @Test
    void authenticatePlainWithAndWithoutInitialResponse() {
        Transcript.of(folders).run("""
                S: * OK *
                C: a1 AUTHENTICATE PLAIN AGFsaWNlAHdyb25n
                S: a1 NO [AUTHENTICATIONFAILED] Authentication failed
                C: a2 AUTHENTICATE PLAIN
                S: +
                C: *
                S: a2 BAD AUTHENTICATE cancelled
                C: a3 AUTHENTICATE PLAIN
                S: +
                C: AGFsaWNlAHNlY3JldA==
                S: a3 OK [CAPABILITY *
                C: a4 SELECT nothere
                S: a4 NO [NONEXISTENT] No such mailbox
                C: a5 FETCH 1 FLAGS
                S: a5 BAD No mailbox selected
                """);
    }

    @Test
    void listCreateRenameDeleteSubscribeStatus() {
        deliver(2);
        Transcript.of(folders).run("""
                S: * OK *
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 LIST "" ""
                S: * LIST (\\Noselect) "." ""
                S: a2 OK LIST completed
                C: a3 CREATE Work.Projects
                S: a3 OK CREATE completed
                C: a4 CREATE Work
                S: a4 NO [ALREADYEXISTS] Mailbox already exists
                C: a5 LIST "" %
                S: * LIST (\\HasNoChildren) "." INBOX
                S: * LIST (\\HasNoChildren \\Archive) "." Archive
                S: * LIST (\\HasNoChildren \\Drafts) "." Drafts
                S: * LIST (\\HasNoChildren \\Junk) "." Junk
                S: * LIST (\\HasNoChildren \\Sent) "." Sent
                S: * LIST (\\HasNoChildren \\Trash) "." Trash
                S: * LIST (\\HasChildren) "." Work
                S: a5 OK LIST completed
                C: a6 LIST "Work." *
                S: * LIST (\\HasNoChildren) "." Work.Projects
                S: a6 OK LIST completed
                C: a7 LIST (SPECIAL-USE) "" * RETURN (SUBSCRIBED STATUS (MESSAGES UIDNEXT))
                S: * LIST (\\HasNoChildren \\Archive \\Subscribed) "." Archive
                S: * STATUS Archive (MESSAGES 0 UIDNEXT 1)
                S: * LIST (\\HasNoChildren \\Drafts \\Subscribed) "." Drafts
                S: * STATUS Drafts (MESSAGES 0 UIDNEXT 1)
                S: * LIST (\\HasNoChildren \\Junk \\Subscribed) "." Junk
                S: * STATUS Junk (MESSAGES 0 UIDNEXT 1)
                S: * LIST (\\HasNoChildren \\Sent \\Subscribed) "." Sent
                S: * STATUS Sent (MESSAGES 0 UIDNEXT 1)
                S: * LIST (\\HasNoChildren \\Trash \\Subscribed) "." Trash
                S: * STATUS Trash (MESSAGES 0 UIDNEXT 1)
                S: a7 OK LIST completed
                C: a8 RENAME Work.Projects Work.Done
                S: a8 OK RENAME completed
                C: a9 SUBSCRIBE Work.Done
                S: a9 OK SUBSCRIBE completed
                C: b1 LSUB "" Work*
                S: * LSUB () "." Work.Done
                S: b1 OK LSUB completed
                C: b2 DELETE Work.Done
                S: b2 OK DELETE completed
                C: b3 LIST (SUBSCRIBED) "" Work*
                S: * LIST (\\NonExistent \\Subscribed) "." Work.Done
                S: b3 OK LIST completed
                C: b4 DELETE INBOX
                S: b4 NO [CANNOT] INBOX cannot be deleted
                C: b5 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)
                S: * STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 1000 UNSEEN 2 DELETED 0 SIZE 44 HIGHESTMODSEQ 3)
                S: b5 OK STATUS completed
                C: b6 NAMESPACE
                S: * NAMESPACE (("" ".")) NIL NIL
                S: b6 OK NAMESPACE completed
                C: b7 CREATE Stuff (USE (\\Flagged))
                S: b7 OK CREATE completed
                """);
    }

    @Test
    void appendCopyMoveWithUidplus() {
        Transcript.of(folders).run("""
                S: * OK *
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 APPEND Nowhere {3+}⏎abc
                S: a2 NO [TRYCREATE] No such mailbox
                C: a3 APPEND INBOX (\\Seen) {12}⏎Subject: x⏎
                S: + Ready for literal data
                S: a3 OK [APPENDUID 1000 1] APPEND completed
                C: a4 SELECT INBOX
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
                S: * 1 EXISTS
                S: *
                S: *
                S: *
                S: *
                S: *
                S: a4 OK [READ-WRITE] SELECT completed
                C: a5 APPEND INBOX {3+}⏎abc
                S: * 2 EXISTS
                S: a5 OK [APPENDUID 1000 2] APPEND completed
                C: a6 COPY 1:2 Trash
                S: a6 OK [COPYUID 1003 1:2 1:2] COPY completed
                C: a7 COPY 1 Nowhere
                S: a7 NO [TRYCREATE] No such mailbox
                C: a8 UID MOVE 2 Archive
                S: * OK [COPYUID 1005 2 1] Moved
                S: * 2 EXPUNGE
                S: a8 OK MOVE completed
                C: a9 STATUS Trash (MESSAGES UNSEEN)
                S: * STATUS Trash (MESSAGES 2 UNSEEN 1)
                S: a9 OK STATUS completed
                """);
    }

    /**
     * RFC 9051 §7.3.5: FLAGS lists the keywords in use; a STORE (here or in another session) that brings a new
     * one is told with a new {@code * FLAGS} and PERMANENTFLAGS before the FETCH that carries it.
     */
    @Test
    void aNewKeywordIsAnnouncedInFlagsBeforeItsFetch() {
        deliver(2);
        Transcript a = Transcript.of(folders);
        Transcript b = Transcript.of(folders);
        String login = """
                C: x1 LOGIN alice secret
                S: x1 OK *
                C: x2 SELECT INBOX
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
                S: *
                S: *
                S: *
                S: *
                S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted
                S: *
                S: x2 OK [READ-WRITE] SELECT completed
                """;
        a.run(login);
        b.run(login);
        a.run("""
                C: a1 STORE 1 +FLAGS ($Label1)
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)
                S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted
                S: * 1 FETCH (FLAGS ($Label1))
                S: a1 OK STORE completed
                C: a2 STORE 2 +FLAGS.SILENT ($Label1 \\Seen)
                S: a2 OK STORE completed
                C: a3 STORE 2 -FLAGS ($Label1)
                S: * 2 FETCH (FLAGS (\\Seen))
                S: a3 OK STORE completed
                """);
        b.run("""
                C: b1 NOOP
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)
                S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 \\*)] Flags permitted
                S: * 1 FETCH (UID 1 FLAGS ($Label1))
                S: * 2 FETCH (UID 2 FLAGS ($Label1 \\Seen))
                S: * 2 FETCH (UID 2 FLAGS (\\Seen))
                S: b1 OK NOOP completed
                C: b2 EXAMINE INBOX
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)
                S: * 2 EXISTS
                S: * 0 RECENT
                S: *
                S: *
                S: * OK [PERMANENTFLAGS ()] Read-only mailbox
                S: *
                S: b2 OK [READ-ONLY] EXAMINE completed
                """);
        Transcript.of(folders).run(login.replace("Draft)", "Draft $Label1)").replace("Draft \\*)", "Draft $Label1 \\*)"));
    }

    /** RFC 9051 §7.5.1, §5.5: another session's changes, in order; EXPUNGE waits during a non-UID FETCH. */
    @Test
    void twoSessionsSeeEachOthersChangesAndExpungeWaitsDuringFetch() {
        deliver(2);
        Transcript a = Transcript.of(folders);
        Transcript b = Transcript.of(folders);
        String login = """
                C: x1 LOGIN alice secret
                S: x1 OK *
                C: x2 SELECT INBOX
                S: *
                S: * 2 EXISTS
                S: *
                S: *
                S: *
                S: *
                S: *
                S: x2 OK [READ-WRITE] SELECT completed
                """;
        a.run(login);
        b.run(login);
        a.run("""
                C: a1 STORE 1 +FLAGS (\\Seen)
                S: * 1 FETCH (FLAGS (\\Seen))
                S: a1 OK STORE completed
                """);
        b.run("""
                C: b1 NOOP
                S: * 1 FETCH (UID 1 FLAGS (\\Seen))
                S: b1 OK NOOP completed
                """);
        inbox.deliver("Subject: m3\n\nhi\n");
        a.run("""
                C: a2 STORE 2 +FLAGS.SILENT (\\Deleted)
                S: * 3 EXISTS
                S: a2 OK STORE completed
                C: a3 EXPUNGE
                S: * 2 EXPUNGE
                S: a3 OK EXPUNGE completed
                """);
        b.run("""
                C: b2 FETCH 1:* (FLAGS)
                S: * 1 FETCH (FLAGS (\\Seen))
                S: * 2 FETCH (FLAGS ())
                S: * 3 EXISTS
                S: * 2 FETCH (UID 2 FLAGS (\\Deleted))
                S: b2 OK FETCH completed
                C: b3 STORE 2 +FLAGS (\\Flagged)
                S: b3 OK STORE completed
                C: b5 NOOP
                S: * 2 EXPUNGE
                S: b5 OK NOOP completed
                C: b6 FETCH 2 (UID)
                S: * 2 FETCH (UID 3)
                S: b6 OK FETCH completed
                """);
    }

    @Test
    void idleTellsNewMailAndEndsWithDone() {
        deliver(1);
        Transcript t = Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 EXAMINE INBOX
                S: *
                S: * 1 EXISTS
                S: *
                S: *
                S: *
                S: * OK [PERMANENTFLAGS ()] Read-only mailbox
                S: *
                S: a2 OK [READ-ONLY] EXAMINE completed
                C: a3 IDLE
                S: + idling
                """);
        assertThat(t.next()).isEqualTo(Step.IDLE);
        inbox.deliver("Subject: new\n\nhi\n");
        inbox.expunge(java.util.List.of(1L));
        t.run("""
                I:
                S: * 2 EXISTS
                S: * 1 EXPUNGE
                I:
                C: DONE
                S: a3 OK IDLE terminated
                C: a4 STORE 1 +FLAGS (\\Seen)
                S: a4 NO [READ-ONLY] Mailbox is read-only
                C: a5 FETCH 1 BODY[]
                S: * 1 FETCH (BODY[] {20}
                S: Subject: new
                S:
                S: hi
                S: )
                S: a5 OK FETCH completed
                """);
    }

    /** RFC 7162: CONDSTORE's MODSEQ and UNCHANGEDSINCE, QRESYNC's SELECT, VANISHED (EARLIER) and VANISHED. */
    @Test
    void condstoreAndQresync() {
        deliver(3);
        inbox.store(java.util.List.of(1L), dev.tern.store.FlagOperation.ADD, java.util.Set.of("\\Seen"), java.util.OptionalLong.empty());
        inbox.expunge(java.util.List.of(2L));
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 SELECT INBOX (QRESYNC (1000 4 1:3))
                S: a2 BAD ENABLE QRESYNC before SELECT with QRESYNC
                C: a3 ENABLE QRESYNC
                S: * ENABLED QRESYNC
                S: a3 OK ENABLE completed
                C: a4 SELECT INBOX (QRESYNC (1000 4 1:3))
                S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
                S: * 2 EXISTS
                S: * 0 RECENT
                S: * OK [UIDVALIDITY 1000] UIDs valid
                S: * OK [UIDNEXT 4] Predicted next UID
                S: * OK [PERMANENTFLAGS *
                S: * OK [HIGHESTMODSEQ 6] Highest
                S: * VANISHED (EARLIER) 2
                S: * 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (5))
                S: a4 OK [READ-WRITE] SELECT completed
                C: a5 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4 VANISHED)
                S: * VANISHED (EARLIER) 2
                S: * 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (5))
                S: a5 OK FETCH completed
                C: a6 STORE 1,2 (UNCHANGEDSINCE 4) +FLAGS (\\Answered)
                S: * 2 FETCH (FLAGS (\\Answered) MODSEQ (7))
                S: a6 OK [MODIFIED 1] Conditional STORE failed for some messages
                C: a7 STORE 2 +FLAGS.SILENT (\\Deleted)
                S: a7 OK STORE completed
                C: a8 EXPUNGE
                S: * VANISHED 3
                S: a8 OK EXPUNGE completed
                C: a9 SELECT Trash
                S: * OK [CLOSED] Previous mailbox closed
                S: *
                S: * 0 EXISTS
                S: *
                S: *
                S: *
                S: *
                S: * OK [HIGHESTMODSEQ 1] Highest
                S: a9 OK [READ-WRITE] SELECT completed
                """);
    }

    @Test
    void tooManyBadCommandsEndTheSession() {
        Transcript t = new Transcript(new ImapSession(new SessionSettings(3, 5, "hi"), ImapSecurity.plaintext(true, false),
                Transcript.ACCOUNTS, user -> folders, new Transcript.ListQueue()));
        t.run("""
                C: a1 FROB
                S: a1 BAD *
                C: a2 SELECT INBOX
                S: a2 BAD Log in first
                C: a3 NOOP
                S: a3 OK NOOP completed
                C: a4 LOGIN
                S: a4 BAD *
                S: * BYE Too many invalid commands
                """);
        assertThat(t.next()).isEqualTo(Step.CLOSE);
    }

    /** A {n+} far over the cap is not read and discarded (it may be 99 MB): the session says BYE and closes. */
    @Test
    void aHugeNonSynchronizingLiteralEndsTheSession() {
        Transcript t = Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 APPEND INBOX {99000000+}
                S: * BYE [TOOBIG] Literal too big; closing the connection
                """);
        assertThat(t.next()).isEqualTo(Step.CLOSE);
    }

    @Test
    void autologoutSaysBye() {
        Transcript t = Transcript.of(folders);
        assertThat(ResponseEncoder.encodeToString(t.session.timedOut().responses().getFirst(), TextMode.ASCII))
                .isEqualTo("* BYE Autologout; idle for too long\r\n");
    }

    @Test
    void aStoreFailureIsNoUnavailableNotAnException() {
        FolderAccess broken = user -> {
            throw new java.io.IOException("disk gone");
        };
        Transcript t = new Transcript(new ImapSession(SessionSettings.defaults(), ImapSecurity.plaintext(true, false),
                Transcript.ACCOUNTS, broken, new Transcript.ListQueue()));
        t.run("""
                C: a1 LOGIN alice secret
                S: a1 NO [UNAVAILABLE] The mailbox store is unavailable; try again later
                C: a2 LOGIN alice secret
                S: a2 NO [UNAVAILABLE] *
                """);
        assertThat(t.session.takeFailure()).isPresent();
        assertThat(t.session.authenticated()).isFalse();
    }

    @Test
    void enableUtf8AcceptSwitchesTextMode() {
        folders.create("Entwürfe", java.util.Optional.empty());
        Transcript.of(folders).run("""
                C: a1 LOGIN alice secret
                S: a1 OK *
                C: a2 LIST "" Entw*
                S: * LIST (\\HasNoChildren) "." Entw&APw-rfe
                S: a2 OK LIST completed
                C: a3 ENABLE UTF8=ACCEPT
                S: * ENABLED UTF8=ACCEPT
                S: a3 OK ENABLE completed
                C: a4 LIST "" Entw*
                S: * LIST (\\HasNoChildren) "." "Entwürfe"
                S: a4 OK LIST completed
                """);
    }
}

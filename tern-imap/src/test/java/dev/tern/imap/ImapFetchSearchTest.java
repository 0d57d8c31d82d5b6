package dev.tern.imap;

import org.junit.jupiter.api.Test;

/**
 * End-to-end FETCH ENVELOPE/BODYSTRUCTURE/BODY[section] and SEARCH through the session: these need
 * {@link MessageData}, {@link SearchMatcher} and the store's StructureParser, built in another slice, so they
 * pass only once that is merged.
 */
class ImapFetchSearchTest {
    private final MemoryFolders folders = new MemoryFolders();
    private final MemoryFolder inbox = folders.folder("INBOX");

    private Transcript selected() {
        inbox.deliver("From: Terry Gray <gray@cac.washington.edu>\nTo: imap@cac.washington.edu\nSubject: IMAP4rev2 WG mtg summary and minutes\n"
                + "Date: Wed, 17 Jul 1996 02:23:25 -0700\nMessage-Id: <B27397-0100000@cac.washington.edu>\n\nHello Joe, do you think we can meet at 3:30 tomorrow?\n");
        inbox.deliver("From: Alice <alice@example.org>\nSubject: lunch\n\nPizza?\n");
        return Transcript.of(folders).run(Transcript.loginAndSelect("mrc", "INBOX"));
    }

    /** RFC 9051 §8: FETCH FULL and BODY[HEADER]. */
    @Test
    void fetchFullAndHeader() {
        selected().run("""
                C: a003 fetch 1 full
                S: * 1 FETCH (FLAGS () INTERNALDATE "01-Mar-2024 10:00:00 +0000" RFC822.SIZE 265 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700" "IMAP4rev2 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) NIL NIL NIL "<B27397-0100000@cac.washington.edu>") BODY ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 55 1))
                S: a003 OK FETCH completed
                C: a004 fetch 1 body.peek[header.fields (subject)]
                S: * 1 FETCH (BODY[HEADER.FIELDS (subject)] {*
                S: Subject: IMAP4rev2 WG mtg summary and minutes
                S:
                S: )
                S: a004 OK FETCH completed
                C: a005 fetch 2 bodystructure
                S: * 2 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" *
                S: a005 OK FETCH completed
                """);
    }

    @Test
    void searchAndEsearch() {
        selected().run("""
                C: s1 SEARCH FROM alice
                S: * SEARCH 2
                S: s1 OK SEARCH completed
                C: s2 UID SEARCH RETURN (MIN MAX COUNT) ALL
                S: * ESEARCH (TAG "s2") UID MIN 1 MAX 2 COUNT 2
                S: s2 OK SEARCH completed
                C: s3 SEARCH RETURN () SUBJECT nothing-like-this
                S: * ESEARCH (TAG "s3")
                S: s3 OK SEARCH completed
                C: s4 SEARCH UNSEEN TEXT pizza
                S: * SEARCH 2
                S: s4 OK SEARCH completed
                """);
    }
}
